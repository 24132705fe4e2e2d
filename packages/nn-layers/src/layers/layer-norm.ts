import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import type { ApplyOptions, Module } from '../core/module.js';
import { applyScaleBias, checkScaleBias } from './internal/affine.js';
import { checkInputShape, checkPositive, checkTensor } from './internal/checks.js';

/** Options of {@link layerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance before the square root. Default 1e-6 (Flax's LayerNorm). */
  readonly epsilon?: number;
  /** Learn a per-feature scale `params.scale` (init ones). Default true. */
  readonly useScale?: boolean;
  /** Learn a per-feature offset `params.bias` (init zeros). Default true. */
  readonly useBias?: boolean;
}

/** LayerNorm's parameters: `scale` and `bias`, each `[features]` (absent when turned off). */
export type LayerNormParams = { scale?: tf.Tensor; bias?: tf.Tensor };

/**
 * Layer normalisation (Ba et al. 2016) over the last axis: y = (x − mean)/√(var + ε)·scale + bias,
 * with the mean and the (biased) variance of each example's features. Same for training and
 * evaluation; no state. Parameters `{ scale: [features], bias: [features] }`, Flax's names.
 */
export function layerNorm(options: LayerNormOptions = {}): Module<LayerNormParams> {
  const where = 'layerNorm';
  const epsilon = checkPositive(where, 'epsilon', options.epsilon ?? 1e-6);
  const useScale = options.useScale ?? true;
  const useBias = options.useBias ?? true;
  return {
    kind: 'LayerNorm',
    init(_key: PRNGKey, inputShape: readonly number[]): LayerNormParams {
      checkInputShape(`${where}.init`, inputShape, 1);
      const features = inputShape[inputShape.length - 1]!;
      const params: LayerNormParams = {};
      if (useScale) params.scale = tf.ones([features]);
      if (useBias) params.bias = tf.zeros([features]);
      return params;
    },
    outputShape: (inputShape) => [...inputShape],
    apply(params: LayerNormParams, x: tf.Tensor, _options?: ApplyOptions): tf.Tensor {
      checkTensor(`${where}.apply`, 'x', x);
      if (x.rank < 1) throw new RangeError(`${where}.apply: x must have rank >= 1 (features on the last axis), got a scalar`);
      const features = x.shape[x.rank - 1]!;
      checkScaleBias(`${where}.apply`, params, features, useScale, useBias);
      return tf.tidy(() => {
        const mean = tf.mean(x, -1, true);
        const centred = tf.sub(x, mean);
        const variance = tf.mean(tf.square(centred), -1, true);
        const y = tf.mul(centred, tf.rsqrt(tf.add(variance, epsilon)));
        return applyScaleBias(y, params, useScale, useBias, [features]);
      });
    },
  };
}
