import * as tf from '@tensorflow/tfjs-core';
import { betainc, betaln, digamma, log1p, split, xlog1py, xlogy, type PRNGKey } from '@probdl/tensor-backend';
import { unitInterval } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { sampleGamma } from '../internal/gamma-sample.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isPositive } from '../internal/validation.js';

/** Below this probability the tails are computed in log space instead of as log(betainc). */
const TAIL = 1e-30;
const TAIL_TERMS = 64;

/**
 * log I_x(a, b) given `value` = I_x(a, b): log(value) where it is at least 1e-30, else the series
 * I_x(a, b) = x^a (1-x)^b / (a B(a, b)) · Σₙ (a+b)ₙ/(a+1)ₙ xⁿ (positive terms; their ratio
 * x(a+b+n)/(a+1+n) is below 1 in the lower tail) in log space, 64 terms and a geometric remainder.
 * Arguments of the branch not taken are masked so that its gradient stays finite.
 */
function logBetaincTail(a: tf.Tensor, b: tf.Tensor, x: tf.Tensor, value: tf.Tensor): tf.Tensor {
  const deep = tf.logicalAnd(tf.less(value, TAIL), tf.logicalAnd(tf.greater(x, 0), tf.less(x, 1)));
  const logValue = tf.log(tf.where(deep, tf.onesLike(value), value));
  const aD = tf.where(deep, a, tf.onesLike(a));
  const bD = tf.where(deep, b, tf.onesLike(b));
  const xD = tf.where(deep, x, tf.fill(x.shape, 0.5));
  let term: tf.Tensor = tf.onesLike(aD);
  let sum: tf.Tensor = tf.onesLike(aD);
  const ab = tf.add(aD, bD);
  for (let n = 0; n < TAIL_TERMS; n++) {
    term = tf.mul(term, tf.div(tf.mul(xD, tf.add(ab, n)), tf.add(aD, n + 1)));
    sum = tf.add(sum, term);
  }
  const r = tf.minimum(tf.div(tf.mul(xD, tf.add(ab, TAIL_TERMS)), tf.add(aD, TAIL_TERMS + 1)), 0.999);
  sum = tf.add(sum, tf.div(tf.mul(term, r), tf.sub(1, r)));
  const logTail = tf.sub(tf.add(tf.add(tf.mul(aD, tf.log(xD)), tf.mul(bD, log1p(tf.neg(xD)))), tf.log(sum)), tf.add(tf.log(aD), betaln(aD, bD)));
  return tf.where(deep, logTail, logValue);
}

/** Parameters of {@link Beta}. */
export interface BetaParams extends DistributionOptions {
  /** α > 0, the exponent of x (scipy's a). */
  readonly concentration1: TensorInput;
  /** β > 0, the exponent of 1 - x (scipy's b). */
  readonly concentration0: TensorInput;
}

/**
 * The beta distribution x^(α-1) (1-x)^(β-1) / B(α, β) on [0, 1]. At the boundaries the density is
 * its limit: +Infinity at x = 0 when α < 1 (at x = 1 when β < 1), 1/B at α = 1 (β = 1), 0 (log
 * -Infinity) when α > 1 (β > 1). The CDF is betainc(α, β, x); the survival function is 1 - betainc(α, β, x)
 * below x = 1/2 (1 - x would round a tiny x away) and betainc(β, α, 1 - x) from 1/2 on. Where either
 * underflows float32 (below 1e-30), `logCdf` / `logSurvival` use the tail series in log space.
 * Samples X/(X + Y) from X ~ Gamma(α), Y ~ Gamma(β) are reparameterised (implicit gradients of the gamma draws);
 * when both gamma draws underflow float32 (α and β both below about 0.05) the sample is 0 or 1,
 * whichever has the larger concentration. `mode` is (α - 1)/(α + β - 2) for α, β > 1 and NaN
 * otherwise, like TFP's allow_nan_stats.
 */
export class Beta extends Distribution {
  readonly name: string = 'Beta';
  readonly concentration1: tf.Tensor;
  readonly concentration0: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;

  constructor(params: BetaParams) {
    super(params);
    this.concentration1 = this.param('concentration1', params.concentration1, isPositive);
    this.concentration0 = this.param('concentration0', params.concentration0, isPositive);
    this.batchShape = broadcastShapes(this.name, { concentration1: this.concentration1.shape, concentration0: this.concentration0.shape });
  }

  get support(): Constraint {
    return unitInterval;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    const [k1, k0] = split(key, 2) as [PRNGKey, PRNGKey];
    return tf.tidy(() => {
      const x = sampleGamma(k1, this.concentration1, shape);
      const y = sampleGamma(k0, this.concentration0, shape);
      const total = tf.add(x, y);
      const bothZero = tf.equal(total, 0);
      const fallback = tf.cast(tf.broadcastTo(tf.greater(this.concentration1, this.concentration0), shape), 'float32');
      return tf.where(bothZero, fallback, tf.div(x, tf.where(bothZero, tf.onesLike(total), total)));
    });
  }

  /** α, β and x broadcast to `broadcast(x.shape, batchShape)`. */
  private args(x: TensorInput): { a: tf.Tensor; b: tf.Tensor; xv: tf.Tensor } {
    const x0 = this.value(x);
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(x0.shape, [...this.batchShape]);
    return { a: tf.broadcastTo(this.concentration1, shape), b: tf.broadcastTo(this.concentration0, shape), xv: tf.broadcastTo(x0, shape) };
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { a, b, xv } = this.args(x);
      const inside = tf.logicalAnd(tf.greaterEqual(xv, 0), tf.lessEqual(xv, 1));
      const xs = tf.where(inside, xv, tf.fill(xv.shape, 0.5));
      // xlogy / xlog1py give 0 at exponent 0 (α = 1 at x = 0, β = 1 at x = 1) and ±Infinity otherwise.
      const termA = xlogy(tf.sub(a, 1), xs);
      const termB = xlog1py(tf.sub(b, 1), tf.neg(xs));
      const lp = tf.sub(tf.add(termA, termB), betaln(a, b));
      return tf.where(inside, lp, tf.fill(lp.shape, -Infinity));
    });
  }
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { a, b, xv } = this.args(x);
      return betainc(a, b, tf.clipByValue(xv, 0, 1));
    });
  }
  /** log betainc(α, β, x); where the CDF underflows float32 (below 1e-30), the lower-tail series in log space. */
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { a, b, xv } = this.args(x);
      const xc = tf.clipByValue(xv, 0, 1);
      return logBetaincTail(a, b, xc, betainc(a, b, xc));
    });
  }
  /**
   * Survival from the side where it keeps its digits: 1 - I_x(α, β) below x = 1/2 (where 1 - x would
   * round away a tiny x), I_(1-x)(β, α) from 1/2 on (1 - x is exact there).
   */
  private survivalParts(x: TensorInput): { low: tf.Tensor; cdf: tf.Tensor; upper: tf.Tensor } {
    const { a, b, xv } = this.args(x);
    const xc = tf.clipByValue(xv, 0, 1);
    const low = tf.less(xc, 0.5);
    return { low, cdf: betainc(a, b, tf.minimum(xc, 0.5)), upper: betainc(b, a, tf.sub(1, tf.maximum(xc, 0.5))) };
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { low, cdf, upper } = this.survivalParts(x);
      return tf.where(low, tf.sub(1, cdf), upper);
    });
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { low, cdf, upper } = this.survivalParts(x);
      const { a, b, xv } = this.args(x);
      // The survival function is I_(1-x)(β, α); its deep tail (below 1e-30) from the series in log space.
      const survival = tf.where(low, tf.sub(1, cdf), upper);
      const tail = logBetaincTail(b, a, tf.sub(1, tf.clipByValue(xv, 0, 1)), survival);
      const deep = tf.less(survival, TAIL);
      return tf.where(deep, tail, tf.where(low, log1p(tf.neg(tf.where(deep, tf.zerosLike(cdf), cdf))), tf.log(tf.where(deep, tf.onesLike(upper), upper))));
    });
  }
  override mean(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.div(this.concentration1, tf.add(this.concentration1, this.concentration0))));
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration1;
      const b = this.concentration0;
      const t = tf.add(a, b);
      return this.toBatchShape(tf.div(tf.mul(a, b), tf.mul(tf.square(t), tf.add(t, 1))));
    });
  }
  override mode(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration1;
      const b = this.concentration0;
      const m = tf.div(tf.sub(a, 1), tf.sub(tf.add(a, b), 2));
      return this.toBatchShape(tf.where(tf.logicalAnd(tf.greater(a, 1), tf.greater(b, 1)), m, tf.fill(m.shape, NaN)));
    });
  }
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration1;
      const b = this.concentration0;
      // log B(α, β) - (α - 1) ψ(α) - (β - 1) ψ(β) + (α + β - 2) ψ(α + β).
      const h = tf.add(
        tf.sub(tf.sub(betaln(a, b), tf.mul(tf.sub(a, 1), digamma(a))), tf.mul(tf.sub(b, 1), digamma(b))),
        tf.mul(tf.sub(tf.add(a, b), 2), digamma(tf.add(a, b))),
      );
      return this.toBatchShape(h);
    });
  }
}
