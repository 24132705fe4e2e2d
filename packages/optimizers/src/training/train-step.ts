import * as tf from '@tensorflow/tfjs-core';
import { tree, valueAndGrad, type Tree } from '@probdl/tensor-backend';
import { applyUpdates } from '../apply-updates.js';
import type { GradientTransformation, OptState } from '../types.js';

/** Options of {@link makeTrainStep} (and of {@link fit}). */
export interface TrainStepOptions {
  /**
   * Ascend the objective instead of descending it (an ELBO, a log posterior): the gradients are
   * negated before the optimizer sees them, as Optax users write `optimizer.update(-grads, ...)`.
   * The reported `loss` is still the value the function returned. Default false.
   */
  maximize?: boolean;
  /** The function returns `[loss, aux]`; `aux` is passed through (JAX's `has_aux`). Default false. */
  hasAux?: boolean;
}

/** What one consuming training step returns: all fresh tensors, owned by the caller. */
export interface TrainStepResult<P extends Tree, S extends OptState, Aux = undefined> {
  /** The new parameters. */
  params: P;
  /** The new optimizer state. */
  optState: S;
  /** The value of the loss (objective) at the parameters the step started from, a float32 scalar. */
  loss: tf.Scalar;
  /** The auxiliary outputs of the loss function (with `hasAux: true`). */
  aux: Aux;
}

/** A consuming training step: see {@link makeTrainStep}. */
export type TrainStep<P extends Tree, S extends OptState, A extends unknown[], Aux = undefined> = (
  params: P,
  optState: S,
  ...args: A
) => TrainStepResult<P, S, Aux>;

function checkOptimizer(fn: string, optimizer: unknown): asserts optimizer is GradientTransformation {
  const o = optimizer as GradientTransformation | null;
  if (o === null || typeof o !== 'object' || typeof o.init !== 'function' || typeof o.update !== 'function') {
    throw new TypeError(`${fn}: 'optimizer' must be a GradientTransformation (an object with init and update)`);
  }
}

function checkStepOptions(fn: string, options: TrainStepOptions): { maximize: boolean; hasAux: boolean } {
  if (options === null || typeof options !== 'object') throw new TypeError(`${fn}: options must be an object, got ${String(options)}`);
  const maximize = options.maximize ?? false;
  const hasAux = options.hasAux ?? false;
  if (typeof maximize !== 'boolean') throw new Error(`${fn}: 'maximize' must be a boolean, got ${String(maximize)}`);
  if (typeof hasAux !== 'boolean') throw new Error(`${fn}: 'hasAux' must be a boolean, got ${String(hasAux)}`);
  return { maximize, hasAux };
}

/** Disposes the leaves of `old` that are not leaves of `kept` (defence against a transformation that passes a tensor through). */
export function disposeReplaced(old: unknown, kept: unknown): void {
  const keep = new Set(tree.leaves(kept as Tree));
  for (const t of tree.leaves(old as Tree)) if (t instanceof tf.Tensor && !keep.has(t)) t.dispose();
}

/**
 * The shared body of the step: valueAndGrad, update, applyUpdates, freeing the gradients and the
 * updates; `consume` also frees the old params and state.
 */
export function buildStep(
  fn: string,
  lossFn: (params: never, ...args: never[]) => unknown,
  optimizer: GradientTransformation,
  options: TrainStepOptions,
): (consume: boolean, params: Tree, optState: OptState, args: unknown[]) => TrainStepResult<Tree, OptState, unknown> {
  if (typeof lossFn !== 'function') throw new TypeError(`${fn}: 'lossFn' must be a function, got ${typeof lossFn}`);
  checkOptimizer(fn, optimizer);
  const { maximize, hasAux } = checkStepOptions(fn, options);
  const vg = hasAux
    ? valueAndGrad(lossFn as never, { hasAux: true })
    : valueAndGrad(lossFn as never);
  return (consume, params, optState, args) => {
    const out = (vg as (p: Tree, ...a: unknown[]) => [unknown, Tree])(params, ...args);
    const [valueAux, rawGrads] = out;
    const [loss, aux] = hasAux ? (valueAux as [tf.Scalar, unknown]) : [valueAux as tf.Scalar, undefined];
    let newParams: Tree;
    let newState: OptState;
    try {
      const grads = maximize ? tree.map((g: tf.Tensor) => tf.neg(g), rawGrads as never) : rawGrads;
      if (maximize) tree.dispose(rawGrads);
      let updates: Tree;
      try {
        [updates, newState] = optimizer.update(grads, optState, params);
      } finally {
        tree.dispose(grads);
      }
      try {
        newParams = applyUpdates(params, updates);
      } catch (e) {
        disposeReplaced(newState, optState);
        throw e;
      } finally {
        tree.dispose(updates);
      }
    } catch (e) {
      tree.dispose([loss, aux as Tree]);
      throw e;
    }
    if (consume) {
      disposeReplaced(params, newParams);
      disposeReplaced(optState, newState);
    }
    return { params: newParams, optState: newState, loss, aux };
  };
}

/**
 * Builds a **consuming** training step for `lossFn` and `optimizer`:
 * `step(params, optState, ...args)` runs `valueAndGrad(lossFn)`, `optimizer.update` and
 * `applyUpdates`, and returns `{ params, optState, loss }` (plus `aux` with `hasAux`).
 *
 * **Ownership — the one deliberate exception to "never dispose inputs":** the step disposes the
 * `params` and `optState` it is given (and the gradients and updates it makes), so a loop is just
 * `({ params, optState, loss } = step(params, optState, x, y)); loss.dispose();` with no leak. Do not
 * use the old `params`/`optState` after the call; clone them first (`tree.clone`) if you need them.
 * The extra `args` (data) are never disposed. The returned `loss` (and `aux`) are the caller's.
 * If the step throws, its inputs are left intact.
 *
 * With `maximize: true` it climbs `lossFn` (an ELBO, a log posterior); `loss` is then the value
 * of the objective.
 *
 * @example
 * const step = makeTrainStep((p, x, y) => mse(apply(p, x), y), adam(1e-3));
 * let params = init(key(0));
 * let optState = optimizer.init(params);
 * for (let i = 0; i < 1000; i++) {
 *   const out = step(params, optState, x, y);
 *   ({ params, optState } = out);
 *   out.loss.dispose();
 * }
 */
export function makeTrainStep<P extends Tree, S extends OptState, A extends unknown[]>(
  lossFn: (params: P, ...args: A) => tf.Tensor,
  optimizer: GradientTransformation<S>,
  options?: TrainStepOptions & { hasAux?: false },
): TrainStep<P, S, A>;
export function makeTrainStep<P extends Tree, S extends OptState, A extends unknown[], Aux>(
  lossFn: (params: P, ...args: A) => readonly [tf.Tensor, Aux],
  optimizer: GradientTransformation<S>,
  options: TrainStepOptions & { hasAux: true },
): TrainStep<P, S, A, Aux>;
export function makeTrainStep(
  lossFn: (params: never, ...args: never[]) => unknown,
  optimizer: GradientTransformation,
  options: TrainStepOptions = {},
): TrainStep<Tree, OptState, unknown[], unknown> {
  const run = buildStep('makeTrainStep', lossFn, optimizer, options);
  return (params, optState, ...args) => run(true, params, optState, args);
}
