import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import { incrementCount, zeroCount } from '../chain.js';
import type { GradientTransformation, ScalarOrSchedule } from '../types.js';
import { twoLoop, vdot } from './two-loop.js';

/** Options of {@link scaleByLbfgs} (Optax's `scale_by_lbfgs`). */
export interface ScaleByLbfgsOptions {
  /** How many past (parameter difference, gradient difference) pairs to keep. Default 10. */
  memorySize?: number;
  /**
   * Start the two-loop recursion from `gamma_k I` with `gamma_k = (s·y)/(y·y)` of the newest pair
   * (and `min(1, 1/‖g‖)` at the first step) rather than from `I`. Default true.
   */
  scaleInitPrecond?: boolean;
}

/** Options of {@link lbfgs}. */
export interface LbfgsOptions extends ScaleByLbfgsOptions {
  /** The fixed step size along the L-BFGS direction (a constant or a schedule of the count). Default 1. */
  learningRate?: ScalarOrSchedule;
}

/**
 * State of {@link scaleByLbfgs} and {@link lbfgs}, over the ravelled parameters (`n` numbers).
 * The memory rows are ordered oldest first; unused rows are zeros with weight 0.
 */
export interface LbfgsState {
  /** Number of updates so far (int32 scalar). */
  count: tf.Scalar;
  /** The ravelled parameters of the previous update, `[n]`. */
  params: tf.Tensor1D;
  /** The ravelled incoming updates (gradients) of the previous update, `[n]`. */
  updates: tf.Tensor1D;
  /** Past parameter differences `s_i`, `[memorySize, n]`. */
  diffParams: tf.Tensor2D;
  /** Past gradient differences `y_i`, `[memorySize, n]`. */
  diffUpdates: tf.Tensor2D;
  /** `rho_i = 1 / (s_i·y_i)` (0 where undefined), `[memorySize]`. */
  weights: tf.Tensor1D;
  [key: string]: tf.Tensor;
}

function checkMemoryOptions(fn: string, options: ScaleByLbfgsOptions): { memorySize: number; scaleInitPrecond: boolean } {
  if (options === null || typeof options !== 'object') throw new TypeError(`${fn}: options must be an object, got ${String(options)}`);
  const memorySize = options.memorySize ?? 10;
  if (!Number.isInteger(memorySize) || memorySize < 1) {
    throw new Error(`${fn}: 'memorySize' must be a positive integer, got ${String(memorySize)}`);
  }
  const scaleInitPrecond = options.scaleInitPrecond ?? true;
  if (typeof scaleInitPrecond !== 'boolean') {
    throw new Error(`${fn}: 'scaleInitPrecond' must be a boolean, got ${String(scaleInitPrecond)}`);
  }
  return { memorySize, scaleInitPrecond };
}

/** Rolls a new row onto the end of `[m, n]` memory, dropping the oldest (first) row. */
function pushRow(memory: tf.Tensor, row: tf.Tensor): tf.Tensor {
  const m = memory.shape[0]!;
  const fresh = tf.expandDims(row, 0);
  if (m === 1) return fresh;
  const begin = memory.shape.map((_, i) => (i === 0 ? 1 : 0));
  const size = memory.shape.map((d, i) => (i === 0 ? m - 1 : d));
  return tf.concat([tf.slice(memory, begin, size), fresh], 0);
}

function makeLbfgs(
  fn: string,
  memorySize: number,
  scaleInitPrecond: boolean,
  stepSize: ((count: tf.Scalar) => tf.Scalar) | undefined,
): GradientTransformation<LbfgsState> {
  return {
    init(params: Tree): LbfgsState {
      return tf.tidy(() => {
        const { flat } = tree.ravel(params);
        const n = flat.shape[0];
        return {
          count: zeroCount(),
          params: tf.zeros([n]) as tf.Tensor1D,
          updates: tf.zeros([n]) as tf.Tensor1D,
          diffParams: tf.zeros([memorySize, n]) as tf.Tensor2D,
          diffUpdates: tf.zeros([memorySize, n]) as tf.Tensor2D,
          weights: tf.zeros([memorySize]) as tf.Tensor1D,
        };
      });
    },
    update(updates: Tree, state: LbfgsState, params?: Tree): [Tree, LbfgsState] {
      if (params === undefined) {
        throw new Error(`${fn}: update needs params (L-BFGS builds its memory from parameter differences)`);
      }
      tree.assertSameShapes(params, updates, `${fn}: params and updates`);
      return tf.tidy(() => {
        const g = tree.ravel(updates);
        const w = tree.ravel(params).flat;
        const n = g.flat.shape[0];
        if (state.params.shape[0] !== n || state.diffParams.shape[0] !== memorySize) {
          throw new Error(
            `${fn}: the state is for ${state.params.shape[0]} parameters and memory ${state.diffParams.shape[0]}, ` +
              `but the parameters ravel to ${n} numbers (memorySize ${memorySize})`,
          );
        }
        const notFirst = tf.greater(state.count, 0);
        const zeros = tf.zerosLike(w);
        // 1. The newest pair (s, y) from the previous step to this one; zeros at the first step.
        const dw = tf.where(notFirst, tf.sub(w, state.params), zeros);
        const du = tf.where(notFirst, tf.sub(g.flat, state.updates), zeros);
        const sy = vdot(du, dw);
        const isZero = tf.equal(sy, 0);
        const weight = tf.where(isZero, tf.scalar(0), tf.div(1, tf.where(isZero, tf.scalar(1), sy)));
        const diffParams = pushRow(state.diffParams, dw);
        const diffUpdates = pushRow(state.diffUpdates, du);
        const weights = pushRow(state.weights, weight);
        // 2. gamma_k: (s·y)/(y·y) of the newest pair; min(1, 1/‖g‖) at the first step.
        let gamma: tf.Scalar;
        if (scaleInitPrecond) {
          const yy = vdot(du, du);
          const positive = tf.greater(yy, 0);
          const ratio = tf.where(positive, tf.div(sy, tf.where(positive, yy, tf.scalar(1))), tf.scalar(1));
          const capped = tf.minimum(1, tf.div(1, tf.sqrt(vdot(g.flat, g.flat))));
          gamma = tf.where(notFirst, ratio, capped) as tf.Scalar;
        } else {
          gamma = tf.scalar(1);
        }
        // 3. P_k g_k by the two-loop recursion over the memory, oldest pair first.
        let direction = twoLoop(
          g.flat,
          tf.unstack(diffParams),
          tf.unstack(diffUpdates),
          tf.unstack(weights) as tf.Scalar[],
          gamma,
        );
        if (stepSize !== undefined) direction = tf.mul(direction, tf.neg(stepSize(state.count)));
        const newState: LbfgsState = {
          count: incrementCount(state.count),
          params: w,
          updates: g.flat,
          diffParams: diffParams as tf.Tensor2D,
          diffUpdates: diffUpdates as tf.Tensor2D,
          weights: weights as tf.Tensor1D,
        };
        return [g.unravel(direction), newState] as unknown as tf.TensorContainer;
      }) as unknown as [Tree, LbfgsState];
    },
  };
}

/**
 * The L-BFGS direction (Optax's `scale_by_lbfgs`): multiplies the incoming updates (gradients) by
 * an approximation of the inverse Hessian built from the last `memorySize` differences of
 * parameters and gradients, by the two-loop recursion over the ravelled parameters. The output is
 * the direction `P_k g_k` itself (pointing uphill, like a gradient): chain it with a negative
 * scale or a line search, or use {@link lbfgs} (fixed step) or {@link minimizeLbfgs} (line search).
 *
 * `update(grads, state, params)` needs `params`. The memory is updated before the direction is
 * computed, with the pair `(params − previous params, grads − previous grads)`, so the transformation
 * sees each step exactly once. Leaves of any float dtype are ravelled to float32.
 *
 * @example
 * const tx = chain(scaleByLbfgs(), scale(-0.5));
 */
export function scaleByLbfgs(options: ScaleByLbfgsOptions = {}): GradientTransformation<LbfgsState> {
  const { memorySize, scaleInitPrecond } = checkMemoryOptions('scaleByLbfgs', options);
  return makeLbfgs('scaleByLbfgs', memorySize, scaleInitPrecond, undefined);
}

/**
 * L-BFGS as a gradient transformation with a fixed step size: the update is
 * `−learningRate · P_k g_k` (see {@link scaleByLbfgs}), ready for `applyUpdates`. The first step
 * has length at most `learningRate` (the initial preconditioner is `min(1, 1/‖g‖) I`).
 *
 * Without a line search L-BFGS is not guaranteed to descend; for full-batch problems (MAP, Laplace,
 * evidence maximisation) prefer {@link minimizeLbfgs}, which searches for a step that satisfies the
 * strong Wolfe conditions. This form suits loops that must not read anything back.
 *
 * @example
 * const tx = lbfgs({ memorySize: 10 });
 * let state = tx.init(params);
 * const [updates, next] = tx.update(grads, state, params);
 */
export function lbfgs(options: LbfgsOptions = {}): GradientTransformation<LbfgsState> {
  const { memorySize, scaleInitPrecond } = checkMemoryOptions('lbfgs', options);
  const lr = options.learningRate ?? 1;
  let stepSize: (count: tf.Scalar) => tf.Scalar;
  if (typeof lr === 'number') {
    if (!Number.isFinite(lr) || lr <= 0) throw new Error(`lbfgs: 'learningRate' must be a positive finite number, got ${lr}`);
    stepSize = () => tf.scalar(lr);
  } else if (typeof lr === 'function') {
    stepSize = lr;
  } else {
    throw new Error(`lbfgs: 'learningRate' must be a number or a schedule function, got ${String(lr)}`);
  }
  return makeLbfgs('lbfgs', memorySize, scaleInitPrecond, stepSize);
}
