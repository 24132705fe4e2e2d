import * as tf from '@tensorflow/tfjs-core';
import { floatArgs, savedAt, toFloat, type SpecialInput } from './internal/args.js';
import { customOp } from './internal/define.js';
import { signOf } from './internal/poly.js';
import { logRaw } from './log-exp.js';

/** Options of {@link logSumExp} and {@link logSumExpSigned}. */
export interface LogSumExpOptions {
  /** Axis or axes to reduce (negative counts from the end); default: all of them. */
  axis?: number | number[];
  /** Keep the reduced axes with length 1 (default false). */
  keepDims?: boolean;
  /** Weights b, broadcast against x: the result is log|sum(b exp(x))|. Entries with b = 0 are left out. */
  b?: SpecialInput;
}

/** The sign (-1, 0, +1) and the log-magnitude of a weighted sum of exponentials. */
export interface SignedLogSumExp {
  value: tf.Tensor;
  sign: tf.Tensor;
}

/** Normalised, validated reduction axes (ascending, no duplicates). */
export function normalizeAxes(fn: string, axis: number | number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const out: number[] = [];
  for (const a of list) {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      const allowed = rank === 0 ? 'none (a scalar has no axes)' : `${-rank}..${rank - 1}`;
      throw new Error(`${fn}: axis ${String(a)} is out of range for a tensor of rank ${rank} (allowed: ${allowed})`);
    }
    const n = a < 0 ? a + rank : a;
    if (out.includes(n)) throw new Error(`${fn}: axis ${String(a)} is listed twice`);
    out.push(n);
  }
  return out.sort((p, q) => p - q);
}

/** The pieces every form needs: the shift m (finite, 0 when the max is not), and S = sum(b exp(x - m)). */
function shiftedSum(x: tf.Tensor, b: tf.Tensor | undefined, axes: number[]): { xm: tf.Tensor; shift: tf.Tensor; sum: tf.Tensor } {
  // Entries with b = 0 do not count (as in scipy), so an infinite x there cannot make inf * 0.
  const xm = b === undefined ? x : tf.where(tf.equal(b, 0), -Infinity, x);
  const m = tf.max(xm, axes, true);
  // Shifting by a non-finite max would make -inf - -inf; shift by 0 instead (all -inf then sums to 0 -> log 0 = -inf).
  const shift = tf.where(tf.isFinite(m), m, 0);
  const e = tf.exp(tf.sub(xm, shift));
  const sum = tf.sum(b === undefined ? e : tf.mul(b, e), axes, true);
  return { xm, shift, sum };
}

/**
 * d value / d x_i = b_i exp(x_i - m) / S (S the signed shifted sum; not exp(x_i - value), which loses the
 * log 2 of [3e38, 3e38]), 0 where x_i = -inf or b_i = 0 (so an all -inf reduction has gradient 0, not NaN).
 * Where the value is +inf: the limit of the finite formula, the weight spread over the +inf entries.
 */
function lseWeights(xm: tf.Tensor, b: tf.Tensor | undefined, shift: tf.Tensor, sum: tf.Tensor, valueKept: tf.Tensor, axes: number[]): tf.Tensor {
  const bb = b ?? tf.onesLike(xm);
  const plainWeights = tf.div(tf.mul(bb, tf.exp(tf.sub(xm, shift))), sum);
  const isPosInf = tf.equal(xm, Infinity);
  const infMass = tf.sum(tf.where(isPosInf, bb, 0), axes, true);
  const infWeights = tf.where(isPosInf, tf.div(bb, infMass), 0);
  const weights = tf.where(tf.equal(valueKept, Infinity), infWeights, plainWeights);
  return tf.where(tf.equal(xm, -Infinity), 0, weights);
}

type LseOp = (x: tf.Tensor, b: tf.Tensor) => tf.Tensor;

const lseOps = new Map<string, LseOp>();

/**
 * The differentiable value log|sum(b exp(x))| over `axes`, one customGrad per (axes, keepDims, weighted,
 * nanIfNegative); with nanIfNegative a negative sum gives NaN (the unsigned weighted form).
 */
function lseOp(axes: number[], keepDims: boolean, weighted: boolean, nanIfNegative = false): LseOp {
  const key = `${axes.join(',')}|${keepDims}|${weighted}|${nanIfNegative}`;
  let op = lseOps.get(key);
  if (op === undefined) {
    op = customOp(([xArg, bArg], save) => {
      const x = xArg as tf.Tensor;
      const bIn = bArg as tf.Tensor;
      const b = weighted ? bIn : undefined;
      const { shift, sum } = shiftedSum(x, b, axes);
      const valueKept = tf.add(logRaw(tf.abs(sum)), shift);
      save([x, bIn, valueKept, shift, sum]);
      const signed = nanIfNegative ? tf.where(tf.less(sum, 0), NaN, valueKept) : valueKept;
      const value = keepDims ? signed : tf.squeeze(signed, axes);
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const xs = savedAt(saved, 0);
          const bs = weighted ? savedAt(saved, 1) : undefined;
          const vk = savedAt(saved, 2);
          const shift = savedAt(saved, 3);
          const sum = savedAt(saved, 4);
          const xmB = bs === undefined ? xs : tf.where(tf.equal(bs, 0), -Infinity, xs);
          const dyKept = tf.reshape(dy, vk.shape);
          const dx = tf.mul(dyKept, lseWeights(xmB, bs, shift, sum, vk, axes));
          if (bs === undefined) return [dx, tf.zerosLike(savedAt(saved, 1))];
          // d value / d b_i = exp(x_i - m) / S (nonzero also where b_i = 0); same +inf limit as for x.
          const isPosInf = tf.equal(xmB, Infinity);
          const infMass = tf.sum(tf.where(isPosInf, bs, 0), axes, true);
          const plain = tf.div(tf.exp(tf.sub(xs, shift)), sum);
          const db = tf.where(tf.equal(vk, Infinity), tf.where(isPosInf, tf.div(1, infMass), 0), plain);
          return [dx, tf.mul(dyKept, tf.where(tf.equal(xs, -Infinity), 0, db))];
        },
      };
    });
    lseOps.set(key, op);
  }
  return op;
}

const signOps = new Map<string, LseOp>();

/** sign(sum(b exp(x))) over `axes`, piecewise constant: its gradient is zero (no taped comparison ops). */
function signOp(axes: number[], keepDims: boolean, weighted: boolean): LseOp {
  const key = `${axes.join(',')}|${keepDims}|${weighted}`;
  let op = signOps.get(key);
  if (op === undefined) {
    op = customOp(([xArg, bArg]) => {
      const x = xArg as tf.Tensor;
      const bIn = bArg as tf.Tensor;
      const { sum } = shiftedSum(x, weighted ? bIn : undefined, axes);
      const sign = signOf(keepDims ? sum : tf.squeeze(sum, axes));
      // shapes, not tensors: the inputs may be gone by the time the gradient runs
      const xShape = x.shape;
      const bShape = bIn.shape;
      return { value: sign, gradFunc: () => [tf.zeros(xShape), tf.zeros(bShape)] };
    });
    signOps.set(key, op);
  }
  return op;
}

function prepare(fn: string, x: SpecialInput, options: LogSumExpOptions): { xs: tf.Tensor; bs: tf.Tensor | undefined; axes: number[] } {
  if (options.b === undefined) {
    const xs = toFloat(x, 'x', fn);
    return { xs, bs: undefined, axes: normalizeAxes(fn, options.axis, xs.rank) };
  }
  const [xs, bs] = floatArgs(fn, ['x', 'b'], [x, options.b]) as [tf.Tensor, tf.Tensor];
  return { xs, bs, axes: normalizeAxes(fn, options.axis, xs.rank) };
}

/**
 * log(sum(exp(x))) over `axis` (default: all axes), stable for any float32 input: entries near 3e38 do not
 * overflow, all -inf gives -inf (gradient 0, not NaN), any +inf gives +inf, NaN propagates.
 * With weights `b`: log(sum(b exp(x))), NaN where that sum is negative (use {@link logSumExpSigned}).
 * Gradient: the softmax weights b exp(x - value). Throws when an axis is out of range.
 */
export function logSumExp(x: SpecialInput, options: LogSumExpOptions = {}): tf.Tensor {
  return tf.tidy(() => {
    const { xs, bs, axes } = prepare('logSumExp', x, options);
    const keepDims = options.keepDims ?? false;
    // With weights, a negative sum has no real log: NaN there.
    return lseOp(axes, keepDims, bs !== undefined, bs !== undefined)(xs, bs ?? tf.zeros([]));
  });
}

/**
 * The weighted, signed log-sum-exp: `value` = log|sum(b exp(x))| and `sign` = sign(sum(b exp(x))) in
 * {-1, 0, +1} (0 with value -inf when the sum is exactly 0). Same axes, stability and error rules as
 * {@link logSumExp}; without `b` the weights are 1. The gradient flows through `value` to x and b;
 * `sign` is piecewise constant.
 */
export function logSumExpSigned(x: SpecialInput, options: LogSumExpOptions = {}): SignedLogSumExp {
  const out = tf.tidy(() => {
    const { xs, bs, axes } = prepare('logSumExpSigned', x, options);
    const keepDims = options.keepDims ?? false;
    const bArg = bs ?? tf.zeros([]);
    const value = lseOp(axes, keepDims, bs !== undefined)(xs, bArg);
    const sign = signOp(axes, keepDims, bs !== undefined)(xs, bArg);
    return { value, sign };
  });
  return out;
}

function softmaxAxis(fn: string, axis: number, rank: number): number {
  if (rank === 0) throw new Error(`${fn}: x must have at least one axis (got a scalar)`);
  return (normalizeAxes(fn, axis, rank)[0] as number);
}

const logSoftmaxOps = new Map<number, (x: tf.Tensor) => tf.Tensor>();

function logSoftmaxOp(axis: number): (x: tf.Tensor) => tf.Tensor {
  let op = logSoftmaxOps.get(axis);
  if (op === undefined) {
    op = customOp(([xArg], save) => {
      const x = xArg as tf.Tensor;
      const { shift, sum } = shiftedSum(x, undefined, [axis]);
      // (x - m) - log S, not x - (log S + m): near 3e38 the latter loses the log S entirely
      const y = tf.sub(tf.sub(x, shift), logRaw(sum));
      save([y]);
      return {
        value: y,
        // d/dx of log softmax: dy - softmax * sum(dy); softmax = exp(y) is 0 (not NaN) at -inf entries.
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          tf.sub(dy, tf.mul(tf.exp(savedAt(saved, 0)), tf.sum(dy, axis, true))),
      };
    });
    logSoftmaxOps.set(axis, op);
  }
  return op;
}

const softmaxOps = new Map<number, (x: tf.Tensor) => tf.Tensor>();

function softmaxOp(axis: number): (x: tf.Tensor) => tf.Tensor {
  let op = softmaxOps.get(axis);
  if (op === undefined) {
    op = customOp(([xArg], save) => {
      const x = xArg as tf.Tensor;
      const { shift, sum } = shiftedSum(x, undefined, [axis]);
      const s = tf.div(tf.exp(tf.sub(x, shift)), sum);
      save([s]);
      return {
        value: s,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const sv = savedAt(saved, 0);
          return tf.mul(sv, tf.sub(dy, tf.sum(tf.mul(dy, sv), axis, true)));
        },
      };
    });
    softmaxOps.set(axis, op);
  }
  return op;
}

/**
 * log softmax along `axis` (default the last): x - logSumExp(x, axis). Stable for huge and -inf entries
 * (a -inf entry gives -inf with gradient 0); a slice that is all -inf gives NaN, as in scipy.
 */
export function logSoftmax(x: SpecialInput, axis = -1): tf.Tensor {
  return tf.tidy(() => {
    const xs = toFloat(x, 'x', 'logSoftmax');
    return logSoftmaxOp(softmaxAxis('logSoftmax', axis, xs.rank))(xs);
  });
}

/** softmax along `axis` (default the last): exp(x - logSumExp(x, axis)), stable for huge and -inf entries. */
export function softmax(x: SpecialInput, axis = -1): tf.Tensor {
  return tf.tidy(() => {
    const xs = toFloat(x, 'x', 'softmax');
    return softmaxOp(softmaxAxis('softmax', axis, xs.rank))(xs);
  });
}
