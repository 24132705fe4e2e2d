import * as tf from '@tensorflow/tfjs-core';
import { key, valueAndGrad, type PRNGKey } from '@probdl/tensor-backend';
import { expect } from 'vitest';
import type { Distribution } from '../../src/distribution.js';
import { host, ksCritical, ksUniformStatistic, meanWithinMcError, varianceWithError } from './stats.js';

/**
 * Draws `n` samples of `d` from `k` and checks with a Kolmogorov–Smirnov test (alpha = 1e-3) that
 * cdf(samples) is Uniform(0, 1). Returns the samples on the host (float64) for further checks.
 */
export async function expectKsPasses(d: Distribution, k: PRNGKey, n: number, message?: string): Promise<Float64Array> {
  const s = d.sample(k, n);
  const cdf = d.cdf(s);
  const u = await host(cdf);
  expect(ksUniformStatistic(u), message).toBeLessThan(ksCritical(u.length));
  const values = await host(s);
  s.dispose();
  cdf.dispose();
  return values;
}

/** The sample mean within 4 Monte Carlo standard errors of `mean`, and the sample variance within 5 of `variance`. */
export function expectMomentsWithinMcError(values: Float64Array, mean: number, variance: number): void {
  expect(meanWithinMcError(values, mean, Math.sqrt(variance)).ok).toBe(true);
  const v = varianceWithError(values);
  expect(Math.abs(v.variance - variance)).toBeLessThan(5 * v.se);
}

/**
 * For a location-scale family with loc fixed: the reparameterised gradient d Σ sample / d scale
 * equals Σ (sample - loc) / scale (6 draws from key(3)). `make(scale, validateArgs)` builds it.
 */
export async function expectSampleScaleGradient(make: (scale: number | tf.Tensor, validateArgs: boolean) => Distribution, loc: number, scale: number): Promise<void> {
  const s = make(scale, true).sample(key(3), 6);
  const expected = tf.sum(tf.div(tf.sub(s, loc), scale));
  const [, g] = valueAndGrad((p: { scale: tf.Tensor }) => tf.sum(make(p.scale, false).sample(key(3), 6)))({ scale: tf.scalar(scale) });
  await expect((g as { scale: tf.Tensor }).scale).toBeCloseTensor(expected, { rtol: 1e-5 });
}
