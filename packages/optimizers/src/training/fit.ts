import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import type { GradientTransformation, OptState } from '../types.js';
import { buildStep, disposeReplaced, type TrainStepOptions } from './train-step.js';

/** Options of {@link fit}. */
export interface FitOptions<A extends unknown[], S extends OptState = OptState> extends TrainStepOptions {
  /** Number of steps (a non-negative integer). */
  steps: number;
  /**
   * The extra arguments of `lossFn` for each step: a function of the step index returning the
   * argument list, or an iterable of argument lists (fit stops early, and `losses` is shorter, when
   * it runs out). A value that is not an array is passed as the only argument. Left out: no
   * extra arguments.
   */
  data?: ((step: number) => NoInfer<A> | readonly unknown[]) | Iterable<NoInfer<A> | readonly unknown[]>;
  /** Dispose the tensors of each step's arguments after the step (for batches made fresh per step). Default false. */
  disposeData?: boolean;
  /** The optimizer state to start from (not disposed); `optimizer.init(params)` when left out. */
  optState?: S;
  /**
   * Called with each step's index and loss, in order, once that loss has been read back (so up to
   * `readLossEvery` steps after the step ran).
   */
  onStep?: (step: number, loss: number) => void;
  /**
   * Log the mean loss of the last `logEvery` steps through `log` after every `logEvery` steps
   * (the first line is step 0 alone, as the Indaba notebooks log). 0 (default): no logging.
   */
  logEvery?: number;
  /** Where log lines go. Default `console.log`. */
  log?: (message: string) => void;
  /**
   * Losses are kept on the device and read back in one batch every `readLossEvery` steps, without
   * waiting for that readback before the next steps are queued. Default 50.
   */
  readLossEvery?: number;
}

/** The result of {@link fit}: fresh tensors the caller owns, and every loss. */
export interface FitResult<P extends Tree, S extends OptState> {
  params: P;
  optState: S;
  /** The loss (the objective, with `maximize`) before each step, as float32. */
  losses: Float32Array;
}

function nonNegativeInt(name: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`fit: '${name}' must be an integer ≥ ${min}, got ${String(v)}`);
  return v;
}

function argsOf(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [x];
}

/**
 * Runs `steps` optimisation steps of `lossFn` from `params` and returns the final parameters,
 * optimizer state and every loss. Leak-free bookkeeping: the intermediate parameters, states,
 * gradients and updates are disposed as it goes; `params` and `options.optState` themselves are
 * never disposed (unlike {@link makeTrainStep}, `fit` does not consume its inputs).
 *
 * The losses are read back asynchronously in batches of `readLossEvery`: the device is never made
 * to wait for the host after each step, only once per batch for the previous batch's readback.
 *
 * @example
 * const { params: fitted, losses } = await fit((p, x, y) => mse(apply(p, x), y), adam(1e-2), params, {
 *   steps: 1000,
 *   data: (i) => batchAt(i),   // [x, y]
 *   disposeData: true,
 *   logEvery: 100,
 * });
 */
export async function fit<P extends Tree, S extends OptState, A extends unknown[]>(
  lossFn: (params: P, ...args: A) => tf.Tensor | readonly [tf.Tensor, unknown],
  optimizer: GradientTransformation<S>,
  params: P,
  options: FitOptions<A, S>,
): Promise<FitResult<P, S>> {
  if (options === null || typeof options !== 'object') throw new TypeError(`fit: options must be an object with 'steps', got ${String(options)}`);
  const steps = nonNegativeInt('steps', options.steps);
  const readLossEvery = nonNegativeInt('readLossEvery', options.readLossEvery ?? 50, 1);
  const logEvery = nonNegativeInt('logEvery', options.logEvery ?? 0);
  const log = options.log ?? ((m: string) => console.log(m));
  const { data, onStep, disposeData = false } = options;
  if (data !== undefined && typeof data !== 'function' && (data === null || typeof (data as Iterable<unknown>)[Symbol.iterator] !== 'function')) {
    throw new TypeError('fit: \'data\' must be a function of the step index or an iterable of argument lists');
  }
  if (onStep !== undefined && typeof onStep !== 'function') throw new TypeError(`fit: 'onStep' must be a function`);
  const run = buildStep('fit', lossFn as never, optimizer as GradientTransformation, options);

  const losses = new Float32Array(steps);
  const iterator = data !== undefined && typeof data !== 'function' ? (data as Iterable<unknown>)[Symbol.iterator]() : undefined;
  let current: Tree = params;
  let state: OptState = options.optState ?? optimizer.init(params);
  const ownsInitialState = options.optState === undefined;
  let pending: tf.Scalar[] = [];
  let pendingStart = 0;
  let inFlight: Promise<void> = Promise.resolve();
  let windowSum = 0;
  let windowCount = 0;

  const report = (start: number, values: ArrayLike<number>): void => {
    for (let j = 0; j < values.length; j++) {
      const i = start + j;
      losses[i] = values[j]!;
      onStep?.(i, losses[i]!);
      if (logEvery > 0) {
        windowSum += losses[i]!;
        windowCount++;
        if (i % logEvery === 0) {
          log(`step ${i}: mean loss ${(windowSum / windowCount).toPrecision(6)} over ${windowCount} step${windowCount === 1 ? '' : 's'}`);
          windowSum = 0;
          windowCount = 0;
        }
      }
    }
  };
  /** Starts reading the pending losses back; waits only for the readback before it. */
  const flush = async (): Promise<void> => {
    await inFlight;
    if (pending.length === 0) return;
    const stacked = tf.stack(pending);
    tf.dispose(pending);
    const start = pendingStart;
    pending = [];
    inFlight = stacked.data().then(
      (values) => {
        stacked.dispose();
        report(start, values);
      },
      (e: unknown) => {
        stacked.dispose();
        throw e;
      },
    );
    // A failure (a throwing onStep, a lost device) surfaces at the next await of inFlight; until
    // then it must not count as an unhandled rejection.
    inFlight.catch(() => undefined);
  };

  let done = 0;
  try {
    for (let i = 0; i < steps; i++) {
      let args: unknown[] = [];
      if (typeof data === 'function') args = argsOf(data(i));
      else if (iterator !== undefined) {
        const next = iterator.next();
        if (next.done === true) break;
        args = argsOf(next.value);
      }
      let out;
      try {
        // Never consume the caller's params or state; consume our own intermediates.
        out = run(false, current, state, args);
      } finally {
        if (disposeData) tree.dispose(args as Tree);
      }
      if (current !== params) disposeReplaced(current, out.params);
      if (state !== options.optState) disposeReplaced(state, out.optState);
      current = out.params;
      state = out.optState;
      if (out.aux !== undefined) tree.dispose(out.aux as Tree);
      if (pending.length === 0) pendingStart = i;
      pending.push(out.loss);
      done = i + 1;
      if (pending.length >= readLossEvery) await flush();
    }
    await flush();
    await inFlight;
  } catch (e) {
    tf.dispose(pending);
    await inFlight.catch(() => undefined);
    if (current !== params) tree.dispose(current);
    if (ownsInitialState || state !== options.optState) disposeReplaced(state, options.optState ?? {});
    throw e;
  }
  // With zero steps the result must still be fresh: clone what was passed in.
  const finalParams = (current === params ? tree.clone(params) : current) as P;
  const finalState = (state === options.optState ? tree.clone(state) : state) as S;
  return { params: finalParams, optState: finalState, losses: done === steps ? losses : losses.slice(0, done) };
}
