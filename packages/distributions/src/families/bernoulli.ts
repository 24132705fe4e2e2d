import * as tf from '@tensorflow/tfjs-core';
import { logSigmoid, random, sigmoid, softplus, type PRNGKey } from '@probdl/tensor-backend';
import { boolean } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import type { TensorInput } from '../internal/params.js';
import { BINARY_LOGITS, checkProbsXorLogits, convertProbsOrLogits } from '../internal/probs-or-logits.js';

/** Parameters of {@link Bernoulli}: exactly one of `logits` and `probs`. */
export interface BernoulliParams extends DistributionOptions {
  /** Log-odds log(p / (1 - p)); ±Infinity allowed (p = 0 or 1). */
  readonly logits?: TensorInput;
  /** Probability of 1, in [0, 1]. */
  readonly probs?: TensorInput;
}

/**
 * The Bernoulli distribution on {0, 1}. Stored as `logits` (built from `probs` as
 * log p - log1p(-p)), so log probabilities are logSigmoid(±logits): exactly -1000 at logits -1000.
 * `sample` returns float32 zeros and ones (simplest for downstream arithmetic; TFP's default is int32).
 * Not reparameterised.
 */
export class Bernoulli extends Distribution {
  readonly name: string = 'Bernoulli';
  readonly logits: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = false;
  /** The probs tensor when the distribution was built from probs (returned by probsParameter). */
  private readonly probs: tf.Tensor | undefined;

  constructor(params: BernoulliParams) {
    super(params);
    checkProbsXorLogits(this.name, params);
    ({ logits: this.logits, probs: this.probs } = convertProbsOrLogits(params, BINARY_LOGITS, (...a) => this.param(...a), (t) => this.own(t)));
    this.batchShape = [...this.logits.shape];
  }

  get support(): Constraint {
    return boolean;
  }

  /** The logits as a fresh tensor. */
  logitsParameter(): tf.Tensor {
    return this.logits.clone();
  }
  /** The probability of 1 as a fresh tensor (the given probs, or sigmoid(logits)). */
  probsParameter(): tf.Tensor {
    return this.probs ? this.probs.clone() : sigmoid(this.logits);
  }

  /** Float32 zeros and ones: u < sigmoid(logits) with u uniform on [0, 1). */
  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => tf.cast(random.bernoulli(key, tf.broadcastTo(sigmoid(this.logits), shape), shape), 'float32'));
  }

  /** logSigmoid(logits) at 1, logSigmoid(-logits) at 0, -Infinity elsewhere. */
  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const lp = tf.where(tf.equal(xv, 1), logSigmoid(this.logits), logSigmoid(tf.neg(this.logits)));
      return this.maskOutsideSupport(xv, lp);
    });
  }
  /** 0 below 0, 1 - p on [0, 1), 1 from 1 on. */
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = tf.add(this.value(x), tf.zerosLike(this.logits));
      const qb = tf.add(sigmoid(tf.neg(this.logits)), tf.zerosLike(xv));
      return tf.where(tf.less(xv, 0), tf.zerosLike(qb), tf.where(tf.less(xv, 1), qb, tf.onesLike(qb)));
    });
  }
  override mean(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(sigmoid(this.logits)));
  }
  /** p (1 - p) = sigmoid(l) sigmoid(-l). */
  override variance(): tf.Tensor {
    return tf.tidy(() => tf.mul(sigmoid(this.logits), sigmoid(tf.neg(this.logits))));
  }
  /** 1 where p > ½, else 0 (float32). */
  override mode(): tf.Tensor {
    return tf.tidy(() => tf.cast(tf.greater(this.logits, 0), 'float32'));
  }
  /** p softplus(-l) + (1 - p) softplus(l), with 0·∞ = 0 at infinite logits. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const p = sigmoid(this.logits);
      const q = sigmoid(tf.neg(this.logits));
      const a = tf.where(tf.greater(p, 0), tf.mul(p, softplus(tf.neg(this.logits))), tf.zerosLike(p));
      const b = tf.where(tf.greater(q, 0), tf.mul(q, softplus(this.logits)), tf.zerosLike(q));
      return tf.add(a, b);
    });
  }
}
