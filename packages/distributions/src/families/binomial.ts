import * as tf from '@tensorflow/tfjs-core';
import { betainc, logSigmoid, sigmoid, type PRNGKey } from '@probdl/tensor-backend';
import type { ConstraintKind } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, NotDefinedError, type DistributionOptions } from '../distribution.js';
import { binomialLogPmf, sampleBinomial } from '../internal/discrete-sample.js';
import { broadcastShapes, hostValues, isTensor, type TensorInput } from '../internal/params.js';
import { BINARY_LOGITS, checkProbsXorLogits, convertProbsOrLogits } from '../internal/probs-or-logits.js';
import { isNonNegativeInteger } from '../internal/validation.js';

/** The largest totalCount for which `entropy` sums over the support on the device. */
const ENTROPY_MAX_COUNT = 100_000;

/** Parameters of {@link Binomial}: `totalCount` and exactly one of `logits` and `probs`. */
export interface BinomialParams extends DistributionOptions {
  /** Number of trials n, a non-negative integer. */
  readonly totalCount: TensorInput;
  /** Log-odds of success; ±Infinity allowed (p = 0 or 1). */
  readonly logits?: TensorInput;
  /** Probability of success, in [0, 1]. */
  readonly probs?: TensorInput;
}

/**
 * The binomial distribution: successes in `totalCount` trials with success probability
 * sigmoid(logits). log P(k) = -log(n + 1) - log B(k + 1, n - k + 1) + k logSigmoid(l) +
 * (n - k) logSigmoid(-l) (accurate at n = 1000, p = 0.999); -Infinity outside {0, ..., n}.
 * cdf(k) = I_{1-p}(n - k, k + 1). `sample` returns float32 counts (inversion for small means, BTRS
 * rejection otherwise, on the device). `entropy` sums over the support and needs totalCount as host
 * numbers (at most 1e5); with a tensor totalCount it throws NotDefinedError. Not reparameterised.
 */
export class Binomial extends Distribution {
  readonly name: string = 'Binomial';
  readonly totalCount: tf.Tensor;
  readonly logits: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = false;
  private readonly probs: tf.Tensor | undefined;
  /** The largest totalCount when it came from the host (bounds the entropy sum). */
  private readonly maxCountOnHost: number | undefined;
  private readonly supportConstraint: Constraint;

  constructor(params: BinomialParams) {
    super(params);
    checkProbsXorLogits(this.name, params);
    this.totalCount = this.param('totalCount', params.totalCount, isNonNegativeInteger);
    ({ logits: this.logits, probs: this.probs } = convertProbsOrLogits(params, BINARY_LOGITS, (...a) => this.param(...a), (t) => this.own(t)));
    this.batchShape = broadcastShapes(this.name, { totalCount: this.totalCount.shape, [params.probs !== undefined ? 'probs' : 'logits']: this.logits.shape });
    const hostCounts = isTensor(params.totalCount) ? undefined : hostValues(this.name, 'totalCount', params.totalCount).values;
    this.maxCountOnHost = hostCounts ? hostCounts.reduce((a, b) => Math.max(a, b), 0) : undefined;
    const n = this.totalCount;
    // `bijectTo` reads `kind`: known for a host scalar totalCount.
    const kind: ConstraintKind | undefined =
      typeof params.totalCount === 'number' ? { type: 'integerInterval', low: 0, high: params.totalCount } : undefined;
    this.supportConstraint = Object.freeze({
      name: 'integerInterval(0, totalCount)',
      eventRank: 0,
      discrete: true,
      ...(kind ? { kind } : {}),
      check: (x: tf.Tensor) =>
        tf.tidy(() => tf.logicalAnd(tf.equal(tf.floor(x), x), tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, n)))),
    });
  }

  /** The integers 0, ..., totalCount (elementwise against the totalCount tensor). */
  get support(): Constraint {
    return this.supportConstraint;
  }

  /** The logits as a fresh tensor. */
  logitsParameter(): tf.Tensor {
    return this.logits.clone();
  }
  /** The success probability as a fresh tensor (the given probs, or sigmoid(logits)). */
  probsParameter(): tf.Tensor {
    return this.probs ? this.probs.clone() : sigmoid(this.logits);
  }

  /** float32 counts. */
  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    return sampleBinomial(key, this.totalCount, this.logits, this.sampleShapeFor(sampleShape));
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const shape = broadcastShapes(this.name, { x: xv.shape, batchShape: this.batchShape });
      const k = tf.broadcastTo(xv, shape);
      const n = tf.broadcastTo(this.totalCount, shape);
      const l = tf.broadcastTo(this.logits, shape);
      const inside = this.supportConstraint.check(k);
      // Outside the support the pmf sees k = 0 (then masked), so no NaN reaches values or gradients.
      const ks = tf.where(inside, k, tf.zerosLike(k));
      return this.maskOutsideSupport(k, binomialLogPmf(ks, n, logSigmoid(l), logSigmoid(tf.neg(l))));
    });
  }
  /** I_{1-p}(n - k, k + 1) at k = floor(x) for 0 <= k < n; 0 below 0 and 1 from n on. */
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const shape = broadcastShapes(this.name, { x: xv.shape, batchShape: this.batchShape });
      const k = tf.floor(tf.broadcastTo(xv, shape));
      const n = tf.broadcastTo(this.totalCount, shape);
      const below = tf.less(k, 0);
      const above = tf.greaterEqual(k, n);
      const inner = tf.logicalNot(tf.logicalOr(below, above));
      const ks = tf.where(inner, k, tf.zerosLike(k));
      const ns = tf.where(inner, n, tf.onesLike(n));
      const q = sigmoid(tf.neg(tf.broadcastTo(this.logits, shape)));
      const value = betainc(tf.sub(ns, ks), tf.add(ks, 1), q);
      return tf.where(below, tf.zerosLike(value), tf.where(above, tf.onesLike(value), value));
    });
  }
  /** n p. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.mul(this.totalCount, sigmoid(this.logits)), [...this.batchShape]).clone());
  }
  /** n p (1 - p). */
  override variance(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(tf.mul(this.totalCount, tf.mul(sigmoid(this.logits), sigmoid(tf.neg(this.logits)))), [...this.batchShape]).clone(),
    );
  }
  /** min(floor((n + 1) p), n) (when (n + 1) p is an integer, one less is a mode too). */
  override mode(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(tf.minimum(tf.floor(tf.mul(tf.add(this.totalCount, 1), sigmoid(this.logits))), this.totalCount), [...this.batchShape]).clone(),
    );
  }
  /**
   * -Σ_k P(k) log P(k) over k = 0..max(totalCount), on the device. Needs totalCount given as host
   * numbers (the sum's length); throws NotDefinedError for a tensor totalCount or one above 1e5.
   */
  override entropy(): tf.Tensor {
    const max = this.maxCountOnHost;
    if (max === undefined) throw new NotDefinedError(this.name, 'entropy', 'needs totalCount as host numbers (the length of the sum over the support)');
    if (max > ENTROPY_MAX_COUNT) throw new NotDefinedError(this.name, 'entropy', `sums over the support, limited to totalCount <= ${ENTROPY_MAX_COUNT}`);
    return tf.tidy(() => {
      const b = [...this.batchShape];
      const ks = tf.reshape(tf.range(0, max + 1, 1, 'float32'), [max + 1, ...b.map(() => 1)]);
      const n = tf.broadcastTo(this.totalCount, b);
      const l = tf.broadcastTo(this.logits, b);
      const full = [max + 1, ...b];
      const kb = tf.broadcastTo(ks, full);
      const inside = tf.lessEqual(kb, n);
      const kIn = tf.where(inside, kb, tf.zerosLike(kb));
      const lp = binomialLogPmf(kIn, tf.broadcastTo(n, full), tf.broadcastTo(logSigmoid(l), full), tf.broadcastTo(logSigmoid(tf.neg(l)), full));
      const terms = tf.where(tf.logicalAnd(inside, tf.greater(lp, -Infinity)), tf.mul(tf.exp(lp), lp), tf.zerosLike(lp));
      return tf.neg(tf.sum(terms, 0));
    });
  }
}
