import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@probdl/distributions';
import { random, toFloat64Array, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { evalTarget, type VariationalTarget } from '../elbo/target.js';
import type { VariationalFamily } from '../families/types.js';
import { psisKhat, type PsisResult } from './psis.js';

const FN = 'guideKhat';

/** Options of {@link guideKhat}. */
export interface GuideKhatOptions {
  /** S, the number of draws from the guide (default 1000; at least 2, and k̂ needs S ≥ 25 to fit a tail). */
  readonly numSamples?: number;
}

/** What {@link guideKhat} returns: the PSIS result and the raw log weights. */
export interface GuideKhatResult extends PsisResult {
  /** log w = log p(z) − log q(z) of the S draws, float64 (read back from float32). */
  readonly logWeights: Float64Array;
}

/**
 * How well a fitted guide q covers the target p: draws z ~ q (from `key`), forms the importance
 * log ratios log p(z) − log q(z) on the device, reads them back and runs {@link psisKhat}. k̂ < 0.5
 * means q is a good importance proposal for p (its mass covers p's); k̂ > 0.7 flags a poor fit, such
 * as a Gaussian guide on one mode of a multimodal posterior or on a heavy-tailed one (Yao et al.
 * 2018, "Yes, but did it work?"). A guide that misses a mode so far away that none of its draws
 * comes near it cannot be detected.
 *
 * The guide is a family and its fitted parameters (as `fitVi` returns them), or any distribution
 * with event shape `[D]` (a Laplace approximation's `distribution`): `guideKhat(key, p, q, options)`.
 *
 * @param logDensity the unnormalised target, as `elbo` takes it ({@link VariationalTarget}).
 * @param params the guide's fitted parameters (not disposed).
 */
export async function guideKhat<P extends Tree>(
  key: PRNGKey,
  logDensity: VariationalTarget,
  family: VariationalFamily<P>,
  params: P,
  options?: GuideKhatOptions,
): Promise<GuideKhatResult>;
export async function guideKhat(key: PRNGKey, logDensity: VariationalTarget, guide: Distribution, options?: GuideKhatOptions): Promise<GuideKhatResult>;
export async function guideKhat<P extends Tree>(
  key: PRNGKey,
  logDensity: VariationalTarget,
  guide: VariationalFamily<P> | Distribution,
  paramsOrOptions?: P | GuideKhatOptions,
  maybeOptions?: GuideKhatOptions,
): Promise<GuideKhatResult> {
  const isFamily = typeof (guide as VariationalFamily<P>)?.fromNoise === 'function';
  if (!isFamily && typeof (guide as Distribution)?.logProb !== 'function') {
    throw new TypeError(`${FN}: argument 'guide' must be a VariationalFamily (with its params) or a Distribution`);
  }
  const options = (isFamily ? maybeOptions : (paramsOrOptions as GuideKhatOptions | undefined)) ?? {};
  const s = options.numSamples ?? 1000;
  if (!Number.isInteger(s) || s < 2) throw new RangeError(`${FN}: option 'numSamples' must be an integer >= 2, got ${s}`);
  const logW = tf.tidy(() => {
    let z: tf.Tensor;
    let logQ: tf.Tensor;
    if (!isFamily) {
      const q = guide as Distribution;
      z = q.sample(key, [s]);
      logQ = q.logProb(z);
    } else {
      const family = guide as VariationalFamily<P>;
      const params = paramsOrOptions as P;
      if (family.reparameterized && family.fromNoiseWithLogProb !== undefined) {
        [z, logQ] = family.fromNoiseWithLogProb(params, random.normal(key, [s, family.noiseSize(params)]));
      } else {
        const q = family.distribution(params);
        z = family.reparameterized ? family.fromNoise(params, random.normal(key, [s, family.noiseSize(params)])) : q.sample(key, [s]);
        logQ = q.logProb(z);
      }
    }
    return tf.sub(evalTarget(FN, logDensity, z), logQ);
  });
  let logWeights: Float64Array;
  try {
    logWeights = await toFloat64Array(logW);
  } finally {
    logW.dispose();
  }
  for (let i = 0; i < s; i++) {
    if (Number.isNaN(logWeights[i]!) || logWeights[i]! === Infinity) {
      throw new RangeError(`${FN}: log p(z) − log q(z) is ${logWeights[i]} for draw ${i}; the target or the guide is not finite there`);
    }
  }
  return { ...psisKhat(logWeights), logWeights };
}
