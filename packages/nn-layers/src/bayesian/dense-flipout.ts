import * as tf from '@tensorflow/tfjs-core';
import { random, split, type PRNGKey } from '@probdl/tensor-backend';
import { posteriorScale } from './scale.js';
import { makeBayesianDense } from './dense-variational.js';
import { rademacher, sampleBias } from './sampling.js';
import type { BayesianDenseLayer, BayesianDenseOptions } from './types.js';

/**
 * A Dense layer with a mean-field Gaussian weight posterior, sampled with Flipout (Wen et al. 2018;
 * TFP's `tfp.layers.DenseFlipout`): one perturbation ΔW = softplus(kernelUntransformedScale)·ε per
 * call, decorrelated across examples by random signs,
 *
 *   out = x·kernelLoc + ((x ∘ s_in)·ΔW) ∘ s_out + b,
 *
 * with s_in `[N, in]` and s_out `[N, units]` independent ±1 per example. Each example's output has
 * exactly the distribution it has under {@link denseReparameterization} (the sign flips leave a
 * symmetric ε's law unchanged), while different examples get pseudo-independent weights, which lowers
 * the variance of minibatch gradients.
 *
 * Params, initialisation and options as {@link denseReparameterization}; `apply` needs `key` unless
 * `{ sample: false }`. Randomness, exactly: `[kW, kB, kIn, kOut] = split(key, 4)`,
 * ε = `random.normal(kW, [in, units])`, s_in = 2·`random.bernoulli(kIn, 0.5, [N, in])` − 1,
 * s_out likewise from kOut with shape `[N, units]`, where N is the product of x's leading dimensions
 * (row-major), and a Gaussian bias draws `random.normal(kB, [units])` once per call (as TFP).
 */
export function denseFlipout(units: number, options: BayesianDenseOptions = {}): BayesianDenseLayer {
  return makeBayesianDense('DenseFlipout', 'denseFlipout', units, options, ({ x2, params, key, gaussianBias }) =>
    tf.tidy(() => {
      const [kW, kB, kIn, kOut] = split(key, 4) as [PRNGKey, PRNGKey, PRNGKey, PRNGKey];
      const n = x2.shape[0];
      const delta = tf.mul(posteriorScale(params.kernelUntransformedScale), random.normal(kW, params.kernelLoc.shape));
      const signIn = rademacher(kIn, [n, x2.shape[1]]);
      const signOut = rademacher(kOut, [n, units]);
      let z = tf.add(tf.matMul(x2, params.kernelLoc), tf.mul(tf.matMul(tf.mul(x2, signIn), delta), signOut));
      const b = sampleBias(params, kB, gaussianBias);
      if (b !== undefined) z = tf.add(z, b);
      return z as tf.Tensor2D;
    }),
  );
}
