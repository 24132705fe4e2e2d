import * as tf from '@tensorflow/tfjs-core';
import { digamma, igamma, igammac, lgamma, log1p, xlogy, type PRNGKey } from '@probdl/tensor-backend';
import { nonNegative } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { sampleGamma } from '../internal/gamma-sample.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isPositive } from '../internal/validation.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** Concentration from which the log density uses the Stirling form (no large cancelling terms). */
const STIRLING_MIN = 10;
/** Concentration from which the entropy uses its asymptotic expansion. */
const ENTROPY_ASYMPTOTIC_MIN = 20;

/**
 * log(y^a e^-y / Gamma(a)) for y > 0: directly below a = 10; above, with Stirling's series
 * lgamma(a) = (a - 1/2) log a - a + log(2π)/2 + 1/(12a) - 1/(360a³) + 1/(1260a⁵), as
 * a (log(y/a) - (y - a)/a) + log(a)/2 - log(2π)/2 - correction, whose terms do not cancel at large a.
 * Inputs are masked so that the branch not taken stays finite (its gradient is then 0, not NaN).
 */
function logGammaKernel(a: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const big = tf.logicalAnd(tf.greaterEqual(a, STIRLING_MIN), tf.greater(y, 0));
    const aS = tf.where(big, tf.onesLike(a), a);
    const direct = tf.sub(tf.sub(xlogy(aS, y), y), lgamma(aS));
    const aB = tf.where(big, a, tf.fill(a.shape, STIRLING_MIN));
    const yB = tf.where(big, y, tf.fill(y.shape, STIRLING_MIN));
    const sigma = tf.div(tf.sub(yB, aB), aB);
    const near = tf.lessEqual(tf.abs(sigma), 0.5);
    const logRatio = tf.where(near, log1p(tf.where(near, sigma, tf.zerosLike(sigma))), tf.sub(tf.log(yB), tf.log(aB)));
    const r = tf.div(1, aB);
    const r2 = tf.square(r);
    const correction = tf.mul(r, tf.add(1 / 12, tf.mul(r2, tf.add(-1 / 360, tf.mul(r2, 1 / 1260)))));
    const stable = tf.sub(tf.add(tf.mul(aB, tf.sub(logRatio, sigma)), tf.sub(tf.mul(tf.log(aB), 0.5), HALF_LOG_TWO_PI)), correction);
    return tf.where(big, stable, direct);
  });
}

/**
 * lgamma(a) + (1 - a) digamma(a) + a (the entropy of Gamma(a, 1)); for a >= 20 by its expansion
 * log(2πa)/2 + 1/2 - 1/(3a) - 1/(12a²) - 1/(90a³) + 1/(120a⁴) + 1/(210a⁵) (next term ~1e-8 at a = 20),
 * where the direct form loses digits to cancellation (~1e-2 absolute at a = 1e4).
 *
 * @internal Shared with the other continuous families; not part of the public API.
 */
export function gammaEntropyKernel(a: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const big = tf.greaterEqual(a, ENTROPY_ASYMPTOTIC_MIN);
    const aS = tf.where(big, tf.onesLike(a), a);
    const direct = tf.add(tf.add(lgamma(aS), tf.mul(tf.sub(1, aS), digamma(aS))), aS);
    const aB = tf.where(big, a, tf.fill(a.shape, ENTROPY_ASYMPTOTIC_MIN));
    const r = tf.div(1, aB);
    const series = tf.mul(r, tf.add(-1 / 3, tf.mul(r, tf.add(-1 / 12, tf.mul(r, tf.add(-1 / 90, tf.mul(r, tf.add(1 / 120, tf.mul(r, 1 / 210)))))))));
    const asym = tf.add(tf.add(tf.mul(tf.log(aB), 0.5), HALF_LOG_TWO_PI + 0.5), series);
    return tf.where(big, asym, direct);
  });
}

/**
 * The Gamma(a, 1) log density log(y^(a-1) e^-y / Γ(a)) for `a` and `y` of one shape: -Infinity for
 * y < 0, NaN y and y = +Infinity; at y = 0 through xlogy (+Infinity for a < 1, 0 for a = 1,
 * -Infinity for a > 1); the Stirling-form kernel elsewhere.
 *
 * @internal Shared with the other continuous families; not part of the public API.
 */
export function standardGammaLogProb(a: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const interior = tf.logicalAnd(tf.greater(y, 0), tf.less(y, Infinity));
    const ys = tf.where(interior, y, tf.onesLike(y));
    const inner = tf.sub(logGammaKernel(a, ys), tf.log(ys));
    // a is masked to 1 away from y = 0 so that xlogy's d/da = log 0 never meets a zero upstream gradient.
    const zero = tf.equal(y, 0);
    const aZ = tf.where(zero, a, tf.onesLike(a));
    const atZero = tf.sub(xlogy(tf.sub(aZ, 1), tf.zerosLike(y)), lgamma(aZ));
    const edge = tf.where(zero, atZero, tf.fill(y.shape, -Infinity));
    return tf.where(interior, inner, edge);
  });
}

/** Below this probability, the tails are computed in log space instead of as log(igamma). */
const TAIL = 1e-30;
const TAIL_TERMS = 64;

/**
 * log P(a, y) in the lower tail, for a, y > 0 where P is tiny (y below the mean a): a log y - y -
 * lgamma(a + 1) + log Σₙ yⁿ / ((a+1)...(a+n)), the series summed for 64 terms with the remainder
 * bounded by a geometric tail (its ratio y/(a + n) only shrinks).
 */
function logLowerTail(a: tf.Tensor, y: tf.Tensor): tf.Tensor {
  let term: tf.Tensor = tf.onesLike(a);
  let sum: tf.Tensor = tf.onesLike(a);
  for (let n = 1; n <= TAIL_TERMS; n++) {
    term = tf.mul(term, tf.div(y, tf.add(a, n)));
    sum = tf.add(sum, term);
  }
  const r = tf.minimum(tf.div(y, tf.add(a, TAIL_TERMS + 1)), 0.999);
  sum = tf.add(sum, tf.div(tf.mul(term, r), tf.sub(1, r)));
  return tf.sub(tf.add(logGammaKernel(a, y), tf.log(sum)), tf.log(a));
}

/**
 * log Q(a, y) in the upper tail, for y above the mean a where Q is tiny: a log y - y - lgamma(a) +
 * log of the continued fraction 1/(y + 1 - a - 1(1 - a)/(y + 3 - a - 2(2 - a)/(...))) by the modified
 * Lentz algorithm (64 steps).
 */
function logUpperTail(a: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const tiny = 1e-30;
  const guard = (t: tf.Tensor) => tf.where(tf.less(tf.abs(t), tiny), tf.fill(t.shape, tiny), t);
  let b = tf.sub(tf.add(y, 1), a);
  let c: tf.Tensor = tf.fill(a.shape, 1 / tiny);
  let d = tf.div(1, guard(b));
  let h = d;
  for (let i = 1; i <= TAIL_TERMS; i++) {
    const an = tf.mul(tf.sub(a, i), i);
    b = tf.add(b, 2);
    d = tf.div(1, guard(tf.add(tf.mul(an, d), b)));
    c = guard(tf.add(b, tf.div(an, c)));
    h = tf.mul(h, tf.mul(d, c));
  }
  return tf.add(logGammaKernel(a, y), tf.log(h));
}

/**
 * log P(a, y) = log igamma(a, y) for a > 0 and y >= 0 of one shape, kept finite where P underflows
 * float32 (below 1e-30) by the lower-tail series in log space.
 *
 * @internal Shared with the other continuous families; not part of the public API.
 */
export function logIgamma(a: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = igamma(a, y);
    const deep = tf.logicalAnd(tf.less(p, TAIL), tf.greater(y, 0));
    // log's argument is masked to 1 in the deep tail, so that its derivative there (1/0) stays out of the gradient.
    const logP = tf.log(tf.where(deep, tf.onesLike(p), p));
    return tf.where(deep, logLowerTail(tf.where(deep, a, tf.onesLike(a)), tf.where(deep, y, tf.onesLike(y))), logP);
  });
}

/**
 * log Q(a, y) = log igammac(a, y) for a > 0 and y >= 0 of one shape, kept finite where Q underflows
 * float32 (below 1e-30) by the continued fraction in log space.
 *
 * @internal Shared with the other continuous families; not part of the public API.
 */
export function logIgammac(a: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const q = igammac(a, y);
    const deep = tf.logicalAnd(tf.less(q, TAIL), tf.less(y, Infinity));
    const logQ = tf.log(tf.where(deep, tf.onesLike(q), q));
    return tf.where(deep, logUpperTail(tf.where(deep, a, tf.onesLike(a)), tf.where(deep, y, tf.fill(y.shape, 2))), logQ);
  });
}

/** Parameters of {@link Gamma}. */
export interface GammaParams extends DistributionOptions {
  /** Shape parameter α, > 0. */
  readonly concentration: TensorInput;
  /** Rate β, > 0 (the scale is 1/β). */
  readonly rate: TensorInput;
}

/**
 * The gamma distribution with density β^α x^(α-1) e^(-βx) / Γ(α) on x >= 0 (at x = 0: +Infinity for
 * α < 1, β for α = 1, 0 for α > 1). The CDF is igamma(α, βx) and the survival function igammac(α, βx),
 * so `logSurvival` keeps its precision in the upper tail; where either underflows float32 (below 1e-30),
 * `logCdf` and `logSurvival` switch to the lower-tail series and the continued fraction in log space,
 * so they stay finite and accurate far out (log values of -1e5 and below). Samples are reparameterised: Gamma(α, 1) draws with implicit-reparameterisation gradients
 * in α (Figurnov et al. 2018), divided by β. `mode` is (α - 1)/β for α >= 1 and NaN for α < 1
 * (the density is unbounded at 0), like TFP's allow_nan_stats.
 */
export class Gamma extends Distribution {
  readonly name: string = 'Gamma';
  readonly concentration: tf.Tensor;
  readonly rate: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;

  constructor(params: GammaParams) {
    super(params);
    this.concentration = this.param('concentration', params.concentration, isPositive);
    this.rate = this.param('rate', params.rate, isPositive);
    this.batchShape = broadcastShapes(this.name, { concentration: this.concentration.shape, rate: this.rate.shape });
  }

  get support(): Constraint {
    return nonNegative;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => tf.div(sampleGamma(key, this.concentration, shape), this.rate));
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { a, y } = this.standardized(x);
      return tf.add(standardGammaLogProb(a, y), tf.log(this.rate));
    });
  }
  /** α and y = βx, both broadcast to `broadcast(x.shape, batchShape)`. */
  private standardized(x: TensorInput): { a: tf.Tensor; y: tf.Tensor } {
    const y = tf.mul(this.rate, this.value(x));
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(y.shape, [...this.batchShape]);
    return { a: tf.broadcastTo(this.concentration, shape), y: tf.broadcastTo(y, shape) };
  }
  /** igamma / igammac arguments: y clamped to the support (P = 0, Q = 1 below it). */
  private scaled(x: TensorInput): { a: tf.Tensor; y: tf.Tensor } {
    const { a, y } = this.standardized(x);
    return { a, y: tf.maximum(y, 0) };
  }
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { y, a } = this.scaled(x);
      return igamma(a, y);
    });
  }
  /** log igamma(α, βx); where the CDF underflows float32, from the lower-tail series in log space. */
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { y, a } = this.scaled(x);
      return logIgamma(a, y);
    });
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { y, a } = this.scaled(x);
      return igammac(a, y);
    });
  }
  /** log igammac(α, βx); where the survival function underflows float32, from the continued fraction in log space. */
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { y, a } = this.scaled(x);
      return logIgammac(a, y);
    });
  }
  override mean(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.div(this.concentration, this.rate)));
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.div(this.concentration, tf.square(this.rate))));
  }
  override stddev(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.div(tf.sqrt(this.concentration), this.rate)));
  }
  override mode(): tf.Tensor {
    return tf.tidy(() => {
      const m = tf.div(tf.sub(this.concentration, 1), this.rate);
      return this.toBatchShape(tf.where(tf.greaterEqual(this.concentration, 1), m, tf.fill(m.shape, NaN)));
    });
  }
  override entropy(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.sub(gammaEntropyKernel(this.concentration), tf.log(this.rate))));
  }
}
