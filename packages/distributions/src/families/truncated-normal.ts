import * as tf from '@tensorflow/tfjs-core';
import { log1p, logNdtr, ndtri, random, type PRNGKey } from '@probdl/tensor-backend';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isFinite, isNotNaN, isPositive } from '../internal/validation.js';
import { log1mexp } from './exponential.js';
import { isAboveLow, tensorInterval } from './uniform.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log Φ(t) with its limits at t = ±Infinity (-Infinity and 0) taken without evaluating logNdtr there,
 * so that infinite bounds contribute zero, not NaN, to gradients.
 */
function logNdtrSafe(t: tf.Tensor): tf.Tensor {
  const finite = tf.isFinite(t);
  const inner = logNdtr(tf.where(finite, t, tf.zerosLike(t)));
  return tf.where(finite, inner, tf.where(tf.greater(t, 0), tf.zerosLike(t), tf.fill(t.shape, -Infinity)));
}

/**
 * log(Φ(hi) - Φ(lo)) for lo <= hi without cancellation: from the upper tail by symmetry,
 * log(Φ(-lo) - Φ(-hi)), where lo > 0, so that both tails keep relative precision.
 */
function logNdtrDifference(lo: tf.Tensor, hi: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const upper = tf.greater(lo, 0);
    const left = tf.where(upper, tf.neg(hi), lo);
    const right = tf.where(upper, tf.neg(lo), hi);
    const logRight = logNdtrSafe(right);
    return tf.add(logRight, log1mexp(tf.minimum(tf.sub(logNdtrSafe(left), logRight), 0)));
  });
}

/** z·exp(logφ(z) - logZ) with the z = ±Infinity limit 0. */
function zRatio(z: tf.Tensor, ratio: tf.Tensor): tf.Tensor {
  const finite = tf.logicalNot(tf.isInf(z));
  return tf.where(finite, tf.mul(tf.where(finite, z, tf.zerosLike(z)), ratio), tf.zerosLike(z));
}

/** log(e^u + e^v) without overflow (-Infinity when both are -Infinity). */
function logAddExp(u0: tf.Tensor, v0: tf.Tensor): tf.Tensor {
  // Broadcast first: tfjs's maximum gradient does not reduce broadcast dimensions.
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(u0.shape, v0.shape);
  const u = tf.broadcastTo(u0, shape);
  const v = tf.broadcastTo(v0, shape);
  const m = tf.maximum(u, v);
  const finite = tf.isFinite(m);
  const ms = tf.where(finite, m, tf.zerosLike(m));
  return tf.where(finite, tf.add(ms, tf.log(tf.add(tf.exp(tf.sub(u, ms)), tf.exp(tf.sub(v, ms))))), m);
}

/** Where log p is below this, Φ⁻¹ is found from log p by Newton's method (p itself nears float32's range). */
const LOG_P_NEWTON = -60;

/**
 * Φ⁻¹(e^L): `ndtri(e^L)` while e^L is comfortably inside float32, else Newton's method on
 * log Φ(t) = L from t₀ = -√(-2L - log(-2L) - log 2π) (the tail asymptote). log Φ is concave, so the
 * iterates approach the root from below; four steps reach float32 precision.
 */
function ndtriOfLog(logP: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const tail = tf.less(logP, LOG_P_NEWTON);
    const direct = ndtri(tf.exp(tf.where(tail, tf.fill(logP.shape, -1), logP)));
    const newton = tf.logicalAnd(tail, tf.isFinite(logP));
    const l = tf.where(newton, logP, tf.fill(logP.shape, 2 * LOG_P_NEWTON));
    const m2l = tf.mul(l, -2);
    let t = tf.neg(tf.sqrt(tf.sub(tf.sub(m2l, tf.log(m2l)), Math.log(2 * Math.PI))));
    for (let i = 0; i < 4; i++) {
      const logPhiT = logNdtr(t);
      const logDensity = tf.sub(tf.mul(-0.5, tf.square(t)), HALF_LOG_TWO_PI);
      t = tf.sub(t, tf.mul(tf.sub(logPhiT, l), tf.exp(tf.sub(logPhiT, logDensity))));
    }
    // p = 0 (log p = -Infinity) is Φ⁻¹(0) = -Infinity.
    return tf.where(tail, tf.where(tf.equal(logP, -Infinity), tf.fill(logP.shape, -Infinity), t), direct);
  });
}

/** Parameters of {@link TruncatedNormal}. */
export interface TruncatedNormalParams extends DistributionOptions {
  /** Mean of the normal before truncation. */
  readonly loc: TensorInput;
  /** Standard deviation of the normal before truncation, > 0. */
  readonly scale: TensorInput;
  /** Lower bound (may be -Infinity). */
  readonly low: TensorInput;
  /** Upper bound (may be +Infinity), > low. */
  readonly high: TensorInput;
}

/**
 * Normal(loc, scale) truncated to [low, high]: density φ(z)/(scale·Z) with z = (x - loc)/scale and
 * Z = Φ(b) - Φ(a), a = (low - loc)/scale, b = (high - loc)/scale. log Z, the CDF and the survival
 * function are formed as log-differences of Φ taken from the tail nearer the interval, so intervals
 * far in a tail keep relative precision. `icdf` inverts in log space (Newton's method on log Φ where
 * Φ leaves float32's range), so it and `sample` work for intervals tens of standard deviations out.
 * Samples are reparameterised by inverse-CDF sampling of a uniform draw (gradients flow to all four
 * parameters). The variance,
 * scale²[1 + (aφ(a) - bφ(b))/Z - ((φ(a) - φ(b))/Z)²], cancels in float32 when the interval lies
 * far in a tail (about 1e-3 relative at a = 4, worse beyond).
 */
export class TruncatedNormal extends Distribution {
  readonly name: string = 'TruncatedNormal';
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly low: tf.Tensor;
  readonly high: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;

  constructor(params: TruncatedNormalParams) {
    super(params);
    this.loc = this.param('loc', params.loc, isFinite);
    this.scale = this.param('scale', params.scale, isPositive);
    this.low = this.param('low', params.low, isNotNaN);
    this.high = this.param('high', params.high, isNotNaN);
    this.batchShape = broadcastShapes(this.name, { loc: this.loc.shape, scale: this.scale.shape, low: this.low.shape, high: this.high.shape });
    if (this.validateArgs) this.checkTensor('high', this.own(tf.sub(this.high, this.low)), isAboveLow);
  }

  get support(): Constraint {
    return tensorInterval(this.low, this.high);
  }

  /** Standardised bounds a, b and log Z, at batch shape. */
  private bounds(): { a: tf.Tensor; b: tf.Tensor; logZ: tf.Tensor } {
    const shape = [...this.batchShape];
    // An infinite bound stays a constant ±Infinity (no gradient path: d/d scale of -Inf/scale is NaN·0).
    const standard = (t: tf.Tensor) => {
      const finite = tf.isFinite(t);
      const z = tf.div(tf.sub(tf.where(finite, t, tf.zerosLike(t)), this.loc), this.scale);
      return tf.broadcastTo(tf.where(finite, z, t), shape);
    };
    const a = standard(this.low);
    const b = standard(this.high);
    return { a, b, logZ: logNdtrDifference(a, b) };
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => this.quantile(random.uniform(key, shape)));
  }

  /**
   * loc + scale·z(p), with z(p) from the side of the interval nearer the centre of Φ, in log space so that
   * intervals far in a tail (Z below float32's range) still invert: below, log Φ(z) = logaddexp(log Φ(a),
   * log p + log Z); above (a > 0), log Φ(-z) = log Φ(-a) + log1p(-p Z/Φ(-a)). Clipped into [a, b].
   */
  private quantile(p: tf.Tensor): tf.Tensor {
    const { a, b, logZ } = this.bounds();
    const upper = tf.greater(a, 0);
    const logP = tf.log(p);
    // The branch not taken gets log Φ = log(1/2), so that its derivative stays finite.
    const aLow = tf.where(upper, tf.zerosLike(a), a);
    const aUp = tf.where(upper, a, tf.zerosLike(a));
    const logLower = logAddExp(logNdtrSafe(aLow), tf.add(logP, logZ));
    const logNdtrUp = logNdtrSafe(tf.neg(aUp));
    const ratio = tf.exp(tf.sub(tf.where(upper, logZ, tf.zerosLike(logZ)), logNdtrUp));
    const logUpper = tf.add(logNdtrUp, log1p(tf.neg(tf.mul(p, ratio))));
    const halfLog = tf.fill(logLower.shape, -Math.LN2);
    const fromLower = ndtriOfLog(tf.where(upper, halfLog, logLower));
    const fromUpper = tf.neg(ndtriOfLog(tf.where(upper, logUpper, halfLog)));
    const q0 = tf.where(upper, fromUpper, fromLower);
    // tfjs's minimum/maximum gradients do not reduce broadcast dimensions: broadcast the bounds first.
    const q = tf.minimum(tf.maximum(q0, tf.broadcastTo(a, q0.shape)), tf.broadcastTo(b, q0.shape));
    return tf.add(this.loc, tf.mul(this.scale, q));
  }

  /** z = (x - loc)/scale broadcast with the bounds, and whether x lies in [low, high]. */
  private standardized(x: TensorInput): { z: tf.Tensor; a: tf.Tensor; b: tf.Tensor; logZ: tf.Tensor; inside: tf.Tensor } {
    const xv = this.value(x);
    const z0 = tf.div(tf.sub(xv, this.loc), this.scale);
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(z0.shape, [...this.batchShape]);
    const { a, b, logZ } = this.bounds();
    const inside = tf.broadcastTo(tf.logicalAnd(tf.greaterEqual(xv, this.low), tf.lessEqual(xv, this.high)), shape);
    const ab = tf.broadcastTo(a, shape);
    const bb = tf.broadcastTo(b, shape);
    return { z: tf.minimum(tf.maximum(tf.broadcastTo(z0, shape), ab), bb), a: ab, b: bb, logZ: tf.broadcastTo(logZ, shape), inside };
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { z, logZ, inside } = this.standardized(x);
      const lp = tf.sub(tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.log(this.scale), HALF_LOG_TWO_PI)), logZ);
      return tf.where(inside, lp, tf.fill(lp.shape, -Infinity));
    });
  }
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { z, a, logZ } = this.standardized(x);
      return tf.minimum(tf.sub(logNdtrDifference(a, z), logZ), 0);
    });
  }
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.exp(this.logCdf(x)));
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { z, b, logZ } = this.standardized(x);
      return tf.minimum(tf.sub(logNdtrDifference(z, b), logZ), 0);
    });
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.exp(this.logSurvival(x)));
  }
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => this.quantile(this.value(p, 'p')));
  }
  /** φ(a)/Z and φ(b)/Z (0 at infinite bounds), with a, b and log Z. */
  private ratios(): { a: tf.Tensor; b: tf.Tensor; logZ: tf.Tensor; ra: tf.Tensor; rb: tf.Tensor } {
    const { a, b, logZ } = this.bounds();
    // φ(t)/Z, 0 at infinite t (masked before squaring, so that the gradient there is 0, not NaN).
    const ratio = (t: tf.Tensor) => {
      const finite = tf.isFinite(t);
      const ts = tf.where(finite, t, tf.zerosLike(t));
      const r = tf.exp(tf.sub(tf.sub(tf.mul(-0.5, tf.square(ts)), HALF_LOG_TWO_PI), logZ));
      return tf.where(finite, r, tf.zerosLike(r));
    };
    return { a, b, logZ, ra: ratio(a), rb: ratio(b) };
  }
  override mean(): tf.Tensor {
    return tf.tidy(() => {
      const { ra, rb } = this.ratios();
      return this.toBatchShape(tf.add(this.loc, tf.mul(this.scale, tf.sub(ra, rb))));
    });
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const { a, b, ra, rb } = this.ratios();
      const inner = tf.sub(tf.add(1, tf.sub(zRatio(a, ra), zRatio(b, rb))), tf.square(tf.sub(ra, rb)));
      return this.toBatchShape(tf.mul(tf.square(this.scale), inner));
    });
  }
  override mode(): tf.Tensor {
    return tf.tidy(() => {
      const shape = [...this.batchShape];
      const clipped = tf.minimum(tf.maximum(tf.broadcastTo(this.loc, shape), tf.broadcastTo(this.low, shape)), tf.broadcastTo(this.high, shape));
      return this.toBatchShape(clipped);
    });
  }
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const { a, b, logZ, ra, rb } = this.ratios();
      const h = tf.add(tf.add(tf.add(tf.log(this.scale), 0.5 + HALF_LOG_TWO_PI), logZ), tf.mul(0.5, tf.sub(zRatio(a, ra), zRatio(b, rb))));
      return this.toBatchShape(h);
    });
  }
}
