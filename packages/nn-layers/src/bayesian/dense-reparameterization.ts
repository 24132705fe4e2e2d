import * as tf from '@tensorflow/tfjs-core';
import { random, split, type PRNGKey } from '@probdl/tensor-backend';
import { posteriorScale } from './scale.js';
import { denseOp } from '../dense/dense-op.js';
import { makeBayesianDense } from './dense-variational.js';
import { sampleBias } from './sampling.js';
import type { BayesianDenseLayer, BayesianDenseOptions } from './types.js';

/**
 * A Dense layer with a mean-field Gaussian weight posterior, sampled by the reparameterisation trick
 * (TFP's `tfp.layers.DenseReparameterization`; Kingma & Welling 2014, Blundell et al. 2015): one draw
 * W = kernelLoc + softplus(kernelUntransformedScale)·ε per call, shared by every example of the batch.
 *
 * Params `{ kernelLoc: [in, units], kernelUntransformedScale: [in, units], biasLoc?: [units],
 * biasUntransformedScale?: [units] }` (see {@link BayesianDenseParams}); `init` follows TFP's defaults
 * (locs ~ N(0, 0.1²), untransformed scales ~ N(−3, 0.1²)). `apply(params, x, { key })` needs `key`
 * unless `{ sample: false }` (posterior means). `x` is `[...batch, in]`.
 *
 * Randomness, exactly: `[kW, kB] = split(key, 2)`, ε = `random.normal(kW, [in, units])`, and for a
 * Gaussian bias ε_b = `random.normal(kB, [units])`.
 *
 * @example
 * const layer = denseReparameterization(16, { activation: 'relu' });
 * const params = layer.init(key(0), [4]);
 * const y = layer.apply(params, x, { key: key(1) }); // [..., 16]
 * const klTerm = layer.klDivergence(params);           // Σ KL(q(w) || N(0, 1))
 */
export function denseReparameterization(units: number, options: BayesianDenseOptions = {}): BayesianDenseLayer {
  return makeBayesianDense('DenseReparameterization', 'denseReparameterization', units, options, ({ x2, params, key, gaussianBias }) =>
    tf.tidy(() => {
      const [kW, kB] = split(key, 2) as [PRNGKey, PRNGKey];
      const eps = random.normal(kW, params.kernelLoc.shape);
      const w = tf.add(params.kernelLoc, tf.mul(posteriorScale(params.kernelUntransformedScale), eps));
      return denseOp(x2, w, sampleBias(params, kB, gaussianBias), undefined) as tf.Tensor2D;
    }),
  );
}
