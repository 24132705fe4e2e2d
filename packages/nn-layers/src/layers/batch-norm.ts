import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey, Tree } from '@probdl/tensor-backend';
import type { ApplyOptions, Module, StatefulApplyOptions, StatefulOutput } from '../core/module.js';
import { applyScaleBias, checkScaleBias } from './internal/affine.js';
import { checkInputShape, checkPositive, checkTensor, fmtShape } from './internal/checks.js';

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Running statistics move as ra ← momentum·ra + (1 − momentum)·batch. Default 0.99 (Flax). */
  readonly momentum?: number;
  /** Added to the variance before the square root. Default 1e-5 (Flax). */
  readonly epsilon?: number;
  /** Learn a per-feature scale `params.scale` (init ones). Default true. */
  readonly useScale?: boolean;
  /** Learn a per-feature offset `params.bias` (init zeros). Default true. */
  readonly useBias?: boolean;
  /**
   * The feature axis, counted from the end (negative), so that it does not depend on how many
   * batch dimensions `x` has: -1 (default) for channels-last, e.g. -3 for `[..., C, H, W]`.
   */
  readonly axis?: number;
}

/** BatchNorm's parameters: `scale` and `bias`, each `[features]` (absent when turned off). */
export type BatchNormParams = { scale?: tf.Tensor; bias?: tf.Tensor };

/** BatchNorm's state: the running `mean` and `var` (biased batch variance), each `[features]`. */
export type BatchNormState = { mean: tf.Tensor; var: tf.Tensor };

/**
 * Batch normalisation (Ioffe & Szegedy 2015) with Flax's names and defaults.
 *
 * - Parameters `{ scale, bias }` of shape `[features]`; state `{ mean, var }` from
 *   `initState(inputShape)` (zeros and ones).
 * - Training (`training: true`): normalise by the mean and biased variance over every axis but the
 *   feature axis (all batch axes and, for images, the spatial ones); `applyWithState` also returns
 *   the moved running statistics `momentum·ra + (1 − momentum)·batch`.
 * - Evaluation: normalise by the running statistics of `options.state`; `applyWithState` returns
 *   copies of them.
 *
 * `apply` in training mode needs no state (the batch statistics are used and dropped); in
 * evaluation mode it needs `options.state` (pass the running statistics) or use `applyWithState`.
 */
export function batchNorm(options: BatchNormOptions = {}): Module<BatchNormParams> {
  const where = 'batchNorm';
  const momentum = options.momentum ?? 0.99;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
    throw new RangeError(`${where}: momentum must be a number in [0, 1], got ${String(momentum)}`);
  }
  const epsilon = checkPositive(where, 'epsilon', options.epsilon ?? 1e-5);
  const useScale = options.useScale ?? true;
  const useBias = options.useBias ?? true;
  const axis = options.axis ?? -1;
  if (!Number.isInteger(axis) || axis >= 0) {
    throw new RangeError(`${where}: axis must be a negative integer (counted from the end, -1 for channels-last), got ${String(axis)}`);
  }

  const featuresOf = (fn: string, inputShape: readonly number[]): number => {
    checkInputShape(fn, inputShape, -axis);
    return inputShape[inputShape.length + axis]!;
  };

  /** Feature count, reduction axes and the broadcast shape of a `[features]` vector, for x. */
  const layout = (fn: string, x: tf.Tensor): { features: number; reduce: number[]; bshape: number[] } => {
    checkTensor(fn, 'x', x);
    if (x.rank < -axis) throw new RangeError(`${fn}: x of shape ${fmtShape(x.shape)} has no axis ${axis}`);
    const featAxis = x.rank + axis;
    const features = x.shape[featAxis]!;
    const reduce = x.shape.map((_, i) => i).filter((i) => i !== featAxis);
    const bshape = [features, ...new Array<number>(-axis - 1).fill(1)];
    return { features, reduce, bshape };
  };

  const checkState = (fn: string, state: unknown, features: number): BatchNormState => {
    const s = state as Partial<BatchNormState> | undefined;
    if (s === undefined || s === null || typeof s !== 'object') {
      throw new TypeError(`${fn}: options.state must be the running statistics { mean, var } (from initState or a previous applyWithState), got ${String(state)}`);
    }
    for (const name of ['mean', 'var'] as const) {
      const t = s[name];
      checkTensor(fn, `options.state.${name}`, t);
      if (t.rank !== 1 || t.shape[0] !== features) {
        throw new RangeError(`${fn}: options.state.${name} has shape ${fmtShape(t.shape)} but x has ${features} features`);
      }
    }
    return s as BatchNormState;
  };

  const normalise = (x: tf.Tensor, params: BatchNormParams, mean: tf.Tensor, variance: tf.Tensor, bshape: number[]): tf.Tensor => {
    const y = tf.mul(tf.sub(x, tf.reshape(mean, bshape)), tf.reshape(tf.rsqrt(tf.add(variance, epsilon)), bshape));
    return applyScaleBias(y, params, useScale, useBias, bshape);
  };

  const batchStats = (x: tf.Tensor, reduce: number[], features: number): { mean: tf.Tensor; variance: tf.Tensor } => {
    const mean = tf.mean(x, reduce, true);
    const variance = tf.mean(tf.square(tf.sub(x, mean)), reduce);
    return { mean: tf.reshape(mean, [features]), variance };
  };

  return {
    kind: 'BatchNorm',
    init(_key: PRNGKey, inputShape: readonly number[]): BatchNormParams {
      const features = featuresOf(`${where}.init`, inputShape);
      const params: BatchNormParams = {};
      if (useScale) params.scale = tf.ones([features]);
      if (useBias) params.bias = tf.zeros([features]);
      return params;
    },
    outputShape: (inputShape) => [...inputShape],
    initState(inputShape: readonly number[]): Tree {
      const features = featuresOf(`${where}.initState`, inputShape);
      return { mean: tf.zeros([features]), var: tf.ones([features]) };
    },
    apply(params: BatchNormParams, x: tf.Tensor, opts: ApplyOptions = {}): tf.Tensor {
      const fn = `${where}.apply`;
      const { features, reduce, bshape } = layout(fn, x);
      checkScaleBias(fn, params, features, useScale, useBias);
      if (opts.training === true) {
        return tf.tidy(() => {
          const { mean, variance } = batchStats(x, reduce, features);
          return normalise(x, params, mean, variance, bshape);
        });
      }
      const state = opts.state;
      if (state === undefined) {
        throw new TypeError(`${fn}: evaluation mode (training false) normalises by the running statistics, which are missing: pass options.state ({ mean, var } from initState or applyWithState) or call applyWithState`);
      }
      const s = checkState(fn, state, features);
      return tf.tidy(() => normalise(x, params, s.mean, s.var, bshape));
    },
    applyWithState(params: BatchNormParams, x: tf.Tensor, opts: StatefulApplyOptions): StatefulOutput {
      const fn = `${where}.applyWithState`;
      const { features, reduce, bshape } = layout(fn, x);
      checkScaleBias(fn, params, features, useScale, useBias);
      const s = checkState(fn, opts?.state, features);
      if (opts.training === true) {
        return tf.tidy(() => {
          const { mean, variance } = batchStats(x, reduce, features);
          const output = normalise(x, params, mean, variance, bshape);
          const newMean = tf.add(tf.mul(s.mean, momentum), tf.mul(mean, 1 - momentum));
          const newVar = tf.add(tf.mul(s.var, momentum), tf.mul(variance, 1 - momentum));
          return { output, state: { mean: newMean, var: newVar } };
        }) as StatefulOutput;
      }
      return tf.tidy(() => ({
        output: normalise(x, params, s.mean, s.var, bshape),
        state: { mean: tf.clone(s.mean), var: tf.clone(s.var) },
      })) as StatefulOutput;
    },
  };
}
