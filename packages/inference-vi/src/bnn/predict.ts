import * as tf from '@tensorflow/tfjs-core';
import { foldIn, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { checkBatch, checkCount, checkModule } from './internal.js';
import type { BnnApplyOptions, BnnModule } from './types.js';

/** Options of {@link predictiveSamples} and {@link mcDropoutPredict}. */
export interface PredictiveSamplesOptions {
  /** S, the number of stochastic forward passes (≥ 1). */
  readonly numSamples: number;
  /** Passed to `apply` besides the key (e.g. `{ mcDropout: true }`). */
  readonly applyOptions?: Omit<BnnApplyOptions, 'key'> & Record<string, unknown>;
}

/**
 * S stochastic forward passes of a network, stacked: `[S, ...outputShape]`. Pass s applies the
 * module with `{ ...applyOptions, key: foldIn(key, s) }`, so a Bayesian network (nn-layers'
 * Bayesian layers) draws fresh weights from its posterior each time, and with `{ mcDropout: true }` a
 * dropout network draws fresh masks. Summarise with {@link predictiveSummary} or
 * {@link gaussianMixturePredictive}. Returns a fresh tensor.
 */
export function predictiveSamples<P extends Tree>(module: BnnModule<P>, params: P, x: tf.Tensor, key: PRNGKey, options: PredictiveSamplesOptions): tf.Tensor {
  return sampleOutputs('predictiveSamples', module, params, x, key, options?.numSamples, options?.applyOptions ?? {});
}

/**
 * MC dropout prediction (Gal & Ghahramani 2016): S forward passes with dropout kept on
 * (`apply(params, x, { mcDropout: true, key: foldIn(key, s) })`), stacked to `[S, ...outputShape]`.
 * The spread of the passes approximates the predictive uncertainty of a network trained with dropout.
 * Returns a fresh tensor.
 */
export function mcDropoutPredict<P extends Tree>(module: BnnModule<P>, params: P, x: tf.Tensor, key: PRNGKey, options: { readonly numSamples: number }): tf.Tensor {
  return sampleOutputs('mcDropoutPredict', module, params, x, key, options?.numSamples, { mcDropout: true });
}

function sampleOutputs<P extends Tree>(fn: string, module: BnnModule<P>, params: P, x: tf.Tensor, key: PRNGKey, numSamples: unknown, applyOptions: Record<string, unknown>): tf.Tensor {
  checkModule(fn, module);
  checkBatch(fn, 'x', x);
  if (key === undefined) throw new TypeError(`${fn}: argument 'key' is required (each pass draws from foldIn(key, s))`);
  const s = checkCount(fn, 'numSamples', numSamples);
  return tf.tidy(() => {
    const outs: tf.Tensor[] = [];
    for (let i = 0; i < s; i++) outs.push(module.apply(params, x, { ...applyOptions, key: foldIn(key, i) }));
    return tf.stack(outs);
  });
}
