import * as tf from '@tensorflow/tfjs-core';
import type { Tree } from '@probdl/tensor-backend';
import type { GradientTransformation, OptState, Schedule } from '../types.js';
import { incrementCount, zeroCount } from '../chain.js';
import { tidyPair } from './internal.js';

/**
 * The hyperparameters given to the function that {@link injectHyperparams} returns, for a factory
 * taking `H`: each entry the factory takes as a {@link Schedule} may be given as a number or a
 * schedule; the other entries (e.g. those in `staticArgs`) as the factory takes them.
 */
export type RawHyperparams<H> = {
  [K in keyof H]: H[K] extends Schedule ? number | Schedule : H[K];
};

/** State of {@link injectHyperparams}. */
export interface InjectHyperparamsState {
  [key: string]: Tree;
  /** Updates done so far (int32 scalar); schedules are evaluated at it. */
  count: tf.Scalar;
  /**
   * The hyperparameters in use, as float32 scalar tensors: the numbers as given (replace an entry,
   * disposing the old tensor, to change it from the next update on) and the schedules as evaluated
   * at the last update (at init: at count 0). Replacing a scheduled entry has no effect: the schedule
   * is evaluated afresh at every update, as in Optax.
   */
  hyperparams: { [name: string]: tf.Scalar };
  /** The state of the inner transformation. */
  innerState: OptState;
}

/** Options of {@link injectHyperparams}. */
export interface InjectHyperparamsOptions<S> {
  /** Hyperparameters passed to the factory as they are (not stored in the state), e.g. integer settings. */
  staticArgs?: readonly S[];
}

/**
 * Makes the hyperparameters of an optimizer part of its state (`optax.inject_hyperparams`), so they
 * can be read and changed during training:
 *
 * ```ts
 * const tx = injectHyperparams((h: { learningRate: Schedule }) => adam(h.learningRate))({ learningRate: 1e-3 });
 * let state = tx.init(params);
 * // ... later: lower the learning rate from the next step on
 * state.hyperparams.learningRate.dispose();
 * state.hyperparams.learningRate = tf.scalar(1e-4);
 * ```
 *
 * Numeric hyperparameters are stored as float32 scalar tensors in `state.hyperparams`; schedules
 * are evaluated at `state.count` at every update and the value stored there too. The factory is
 * called once, with each such hyperparameter as a {@link Schedule} that returns the value of the
 * update in progress (ignoring the count it is given), so the inner transformation must accept a
 * schedule for it (every `ScalarOrSchedule` option does). Other values (booleans, objects) are passed
 * to the factory unchanged, and so are numbers named in `options.staticArgs` (list there every
 * number the factory needs as a plain number, e.g. an integer setting). Annotate the factory's
 * parameter (`h: { learningRate: Schedule; nesterov: boolean }`) to type the hyperparameters.
 */
export function injectHyperparams<H extends Record<string, unknown> = Record<string, Schedule>>(
  factory: (hyperparams: H) => GradientTransformation,
  options: InjectHyperparamsOptions<keyof H & string> = {},
): (hyperparams: RawHyperparams<H>) => GradientTransformation<InjectHyperparamsState> {
  if (typeof factory !== 'function') throw new Error('injectHyperparams: factory must be a function');
  const statics = new Set<string>(options.staticArgs ?? []);
  return (hyperparams) => {
    if (hyperparams === null || typeof hyperparams !== 'object') throw new Error('injectHyperparams: hyperparams must be an object');
    const numeric: string[] = [];
    const scheduled: string[] = [];
    for (const [k, v] of Object.entries(hyperparams)) {
      if (statics.has(k)) continue;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw new Error(`injectHyperparams: hyperparameter ${k} must be finite, got ${v}`);
        numeric.push(k);
      } else if (typeof v === 'function') scheduled.push(k);
    }
    for (const s of statics) if (!(s in hyperparams)) throw new Error(`injectHyperparams: staticArgs names '${s}', which is not a hyperparameter`);
    const injected = [...numeric, ...scheduled];

    // The values of the update (or init) in progress, read by the schedules handed to the factory.
    let current: Record<string, tf.Scalar> | undefined;
    const args: Record<string, unknown> = { ...hyperparams };
    for (const k of injected) {
      args[k] = (() => {
        if (current === undefined) throw new Error(`injectHyperparams: hyperparameter ${k} was read outside init/update`);
        return tf.clone(current[k]!);
      }) satisfies Schedule;
    }
    const inner = factory(args as H);
    if (inner === null || typeof inner !== 'object' || typeof inner.init !== 'function' || typeof inner.update !== 'function') {
      throw new Error('injectHyperparams: the factory did not return a GradientTransformation');
    }

    const withValues = <T>(values: Record<string, tf.Scalar>, f: () => T): T => {
      const saved = current;
      current = values;
      try {
        return f();
      } finally {
        current = saved;
      }
    };

    const evaluate = (count: tf.Scalar, stored: Record<string, tf.Scalar> | undefined): Record<string, tf.Scalar> => {
      const values: Record<string, tf.Scalar> = {};
      for (const k of numeric) {
        const v = stored === undefined ? tf.scalar((hyperparams as Record<string, unknown>)[k] as number, 'float32') : stored[k];
        if (!(v instanceof tf.Tensor) || v.size !== 1) {
          throw new Error(`injectHyperparams: state.hyperparams.${k} must be a scalar tensor, got ${v === undefined ? 'nothing' : String(v)}`);
        }
        values[k] = tf.cast(tf.reshape(v, []), 'float32') as tf.Scalar;
      }
      for (const k of scheduled) values[k] = tf.cast(((hyperparams as Record<string, unknown>)[k] as Schedule)(count), 'float32') as tf.Scalar;
      return values;
    };

    return {
      init(params) {
        const count = zeroCount();
        const values = tf.tidy(() => evaluate(count, undefined));
        const innerState = withValues(values, () => inner.init(params));
        return { count, hyperparams: values, innerState };
      },
      update(updates, state, params) {
        if (!(state?.count instanceof tf.Tensor) || state.hyperparams === null || typeof state.hyperparams !== 'object') {
          throw new Error('injectHyperparams: state must be made by init (with count, hyperparams and innerState)');
        }
        return tidyPair(() => {
          const values = evaluate(state.count, state.hyperparams);
          const [u, innerState] = withValues(values, () => inner.update(updates, state.innerState, params));
          return [u, { count: incrementCount(state.count), hyperparams: values, innerState }];
        });
      },
    };
  };
}

