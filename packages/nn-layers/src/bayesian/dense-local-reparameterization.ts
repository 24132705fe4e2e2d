import * as tf from '@tensorflow/tfjs-core';
import { random } from '@probdl/tensor-backend';
import { posteriorScale } from './scale.js';
import { makeBayesianDense } from './dense-variational.js';
import type { BayesianDenseLayer, BayesianDenseOptions } from './types.js';

// Keeps sqrt's gradient finite where the variance is exactly 0 (an all-zero input row, no bias noise).
const MIN_VARIANCE = 1e-30;

/**
 * A Dense layer with a mean-field Gaussian weight posterior, sampled by local reparameterisation
 * (Kingma, Salimans & Welling 2015; TFP's `tfp.layers.DenseLocalReparameterization`): instead of
 * weights, each example's pre-activations are drawn from their exact Gaussian marginal,
 *
 *   z = x·kernelLoc + biasLoc + sqrt(x²·σ² + σ_b²) ∘ ε,   σ = softplus(kernelUntransformedScale),
 *
 * independently per example (σ_b² only for a Gaussian bias, whose noise is folded into the same
 * per-example draw). Params, initialisation and options as {@link denseReparameterization}; `apply`
 * needs `key` unless `{ sample: false }`. Randomness, exactly: ε = `random.normal(key, [N, units])`,
 * N the product of x's leading dimensions (row-major).
 */
export function denseLocalReparameterization(units: number, options: BayesianDenseOptions = {}): BayesianDenseLayer {
  return makeBayesianDense('DenseLocalReparameterization', 'denseLocalReparameterization', units, options, ({ x2, params, key, gaussianBias }) =>
    tf.tidy(() => {
      const sigma = posteriorScale(params.kernelUntransformedScale);
      let mean = tf.matMul(x2, params.kernelLoc);
      let variance = tf.matMul(tf.square(x2), tf.square(sigma));
      if (params.biasLoc !== undefined) mean = tf.add(mean, params.biasLoc);
      if (gaussianBias) variance = tf.add(variance, tf.square(posteriorScale(params.biasUntransformedScale!)));
      const eps = random.normal(key, [x2.shape[0], units]);
      return tf.add(mean, tf.mul(tf.sqrt(tf.maximum(variance, MIN_VARIANCE)), eps)) as tf.Tensor2D;
    }),
  );
}
