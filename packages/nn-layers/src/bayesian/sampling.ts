import * as tf from '@tensorflow/tfjs-core';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import { posteriorScale } from './scale.js';
import type { BayesianDenseParams } from './types.js';

/** A draw of the bias: loc + posteriorScale(untransformed)·ε with ε = random.normal(key, [units]) when Gaussian, else the point mass. */
export function sampleBias(params: BayesianDenseParams, key: PRNGKey, gaussianBias: boolean): tf.Tensor | undefined {
  if (params.biasLoc === undefined) return undefined;
  if (!gaussianBias) return params.biasLoc;
  return tf.tidy(() => tf.add(params.biasLoc!, tf.mul(posteriorScale(params.biasUntransformedScale!), random.normal(key, params.biasLoc!.shape))));
}

/** Random signs ±1 (Rademacher) of `shape`: 2·bernoulli(key, 0.5) − 1. */
export function rademacher(key: PRNGKey, shape: readonly number[]): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.mul(tf.cast(random.bernoulli(key, 0.5, shape), 'float32'), 2), 1));
}
