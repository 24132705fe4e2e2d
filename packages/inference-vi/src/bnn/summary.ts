import * as tf from '@tensorflow/tfjs-core';
import { ndtr } from '@probdl/tensor-backend';
import { describe } from './internal.js';

/** The default quantile levels: a central 90% interval and the median. */
export const DEFAULT_QUANTILES: readonly number[] = [0.05, 0.5, 0.95];

/** Options of {@link predictiveSummary} and {@link gaussianMixturePredictive}. */
export interface PredictiveSummaryOptions {
  /** Quantile levels in [0, 1] (default {@link DEFAULT_QUANTILES}). */
  readonly quantiles?: readonly number[];
}

/** A summary of a predictive distribution over `[...shape]`. Every tensor is fresh and owned by the caller. */
export interface BnnPredictiveSummary {
  /** The predictive mean, `[...shape]`. */
  readonly mean: tf.Tensor;
  /** The predictive standard deviation, `[...shape]`. */
  readonly std: tf.Tensor;
  /** The predictive variance, `[...shape]`. */
  readonly variance: tf.Tensor;
  /** The quantiles, `[Q, ...shape]`, row j at level `levels[j]`. */
  readonly quantiles: tf.Tensor;
  /** The quantile levels, in the order of `quantiles`' rows. */
  readonly levels: readonly number[];
}

/** {@link predictiveSummary}'s result: a {@link BnnPredictiveSummary} plus the samples it summarises. */
export interface BnnSampleSummary extends BnnPredictiveSummary {
  /** A copy of the samples `[S, ...shape]`. */
  readonly samples: tf.Tensor;
}

function checkLevels(fn: string, qs: unknown): readonly number[] {
  if (!Array.isArray(qs) || qs.length === 0 || !qs.every((q) => typeof q === 'number' && q >= 0 && q <= 1)) {
    throw new RangeError(`${fn}: option 'quantiles' must be a non-empty array of levels in [0, 1], got ${JSON.stringify(qs)}`);
  }
  return [...(qs as number[])];
}

/**
 * Summarises S predictive samples `[S, ...shape]` (from {@link predictiveSamples}, {@link mcDropoutPredict},
 * {@link ensemblePredict}, or draws y = f + noise): per element the mean, the variance and standard
 * deviation of the S samples (divided by S: the moments of the empirical distribution), and the
 * quantiles at `levels` by linear interpolation between order statistics (numpy's default 'linear'
 * method: position (S − 1)·q in the sorted samples).
 */
export function predictiveSummary(samples: tf.Tensor, options: PredictiveSummaryOptions = {}): BnnSampleSummary {
  const fn = 'predictiveSummary';
  if (!(samples instanceof tf.Tensor) || samples.rank === 0 || samples.shape[0]! < 1) {
    throw new TypeError(`${fn}: argument 'samples' must be a tensor [S, ...] with S >= 1 samples on the leading axis, got ${describe(samples)}`);
  }
  const levels = checkLevels(fn, options.quantiles ?? DEFAULT_QUANTILES);
  const s = samples.shape[0]!;
  const out = tf.tidy(() => {
    const x = tf.cast(samples, 'float32');
    const mean = tf.mean(x, 0);
    const variance = tf.mean(tf.square(tf.sub(x, mean)), 0);
    const std = tf.sqrt(variance);
    // Sort along the sample axis: move it last, topk (descending), reverse.
    const rank = x.rank;
    const lastFirst = [...Array.from({ length: rank - 1 }, (_, i) => i + 1), 0];
    const moved = rank === 1 ? tf.reshape(x, [1, s]) : tf.transpose(x, lastFirst);
    const sorted = tf.reverse(tf.topk(moved, s, true).values, -1);
    const rows = levels.map((q) => {
      const pos = (s - 1) * q;
      const lo = Math.floor(pos);
      const hi = Math.min(lo + 1, s - 1);
      const frac = pos - lo;
      const a = tf.gather(sorted, lo, sorted.rank - 1);
      if (frac === 0 || hi === lo) return a;
      return tf.add(a, tf.mul(tf.sub(tf.gather(sorted, hi, sorted.rank - 1), a), frac));
    });
    const quantiles = tf.reshape(tf.stack(rows), [levels.length, ...samples.shape.slice(1)]);
    return { mean, std, variance, quantiles, samples: tf.clone(samples) } as unknown as tf.TensorContainer;
  }) as unknown as Omit<BnnSampleSummary, 'levels'>;
  return { ...out, levels };
}

/** Bisection steps for the mixture quantiles: the bracket shrinks 2^-60, below float32 resolution. */
const BISECTION_STEPS = 60;
/** The initial bracket spans the components' means ± this many of their standard deviations. */
const BRACKET_SDS = 10;

/**
 * The predictive of S Gaussian outputs (a Gaussian head under S weight draws, dropout masks or
 * ensemble members): the equal-weight mixture (1/S) Σ_s N(means_s, scales_s²), `means` and `scales`
 * `[S, ...shape]` (`scales` may be a number, or broadcast against `means`). Mean = mean of the means;
 * variance = mean of the variances + variance of the means (divided by S), the mixture's exact
 * moments (aleatoric + epistemic). The quantiles are the mixture's own, found by bisection of its
 * CDF (1/S) Σ_s Φ((t − μ_s)/σ_s) on the device (60 halvings of a ±10σ bracket).
 */
export function gaussianMixturePredictive(means: tf.Tensor, scales: tf.Tensor | number, options: PredictiveSummaryOptions = {}): BnnPredictiveSummary {
  const fn = 'gaussianMixturePredictive';
  if (!(means instanceof tf.Tensor) || means.rank === 0) throw new TypeError(`${fn}: argument 'means' must be a tensor [S, ...], got ${describe(means)}`);
  if (typeof scales === 'number') {
    if (!(scales > 0) || !Number.isFinite(scales)) throw new RangeError(`${fn}: argument 'scales' must be > 0, got ${scales}`);
  } else if (!(scales instanceof tf.Tensor)) {
    throw new TypeError(`${fn}: argument 'scales' must be a tensor [S, ...] or a number, got ${describe(scales)}`);
  } else {
    const ok = scales.rank <= means.rank && scales.shape.every((n, i) => n === 1 || n === means.shape[means.rank - scales.rank + i]);
    if (!ok) throw new RangeError(`${fn}: scales [${scales.shape.join(', ')}] must broadcast to means [${means.shape.join(', ')}]`);
  }
  const levels = checkLevels(fn, options.quantiles ?? DEFAULT_QUANTILES);
  const out = tf.tidy(() => {
    const mu = tf.cast(means, 'float32');
    const sigma = tf.add(tf.zerosLike(mu), typeof scales === 'number' ? scales : tf.cast(scales, 'float32'));
    const mean = tf.mean(mu, 0);
    const variance = tf.add(tf.mean(tf.square(sigma), 0), tf.mean(tf.square(tf.sub(mu, mean)), 0));
    const std = tf.sqrt(variance);
    // Bisection for every level at once: t [Q, ...shape] against components [1, S, ...shape].
    const q = levels.length;
    const outShape = [q, ...means.shape.slice(1)];
    const levelT = tf.reshape(tf.tensor1d([...levels]), [q, ...means.shape.slice(1).map(() => 1)]);
    let lo = tf.mul(tf.ones(outShape), tf.min(tf.sub(mu, tf.mul(sigma, BRACKET_SDS)), 0));
    let hi = tf.mul(tf.ones(outShape), tf.max(tf.add(mu, tf.mul(sigma, BRACKET_SDS)), 0));
    const mu1 = tf.expandDims(mu, 0);
    const invSigma1 = tf.expandDims(tf.reciprocal(sigma), 0);
    for (let i = 0; i < BISECTION_STEPS; i++) {
      // One tidy per halving, so each step's [Q, S, ...] temporaries are freed at once.
      const [nextLo, nextHi] = tf.tidy(() => {
        const mid = tf.mul(tf.add(lo, hi), 0.5);
        const cdf = tf.mean(ndtr(tf.mul(tf.sub(tf.expandDims(mid, 1), mu1), invSigma1)), 1);
        const below = tf.less(cdf, levelT);
        return [tf.where(below, mid, lo), tf.where(below, hi, mid)];
      });
      tf.dispose([lo, hi]);
      lo = nextLo!;
      hi = nextHi!;
    }
    const quantiles = tf.mul(tf.add(lo, hi), 0.5);
    return { mean, std, variance, quantiles } as unknown as tf.TensorContainer;
  }) as unknown as Omit<BnnPredictiveSummary, 'levels'>;
  return { ...out, levels };
}
