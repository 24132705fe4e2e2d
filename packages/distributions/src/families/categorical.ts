import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax, random, softmax, type PRNGKey } from '@probdl/tensor-backend';
import { integerInterval } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, leadingShape, trailingShape, type TensorInput } from '../internal/params.js';
import { elementwise, isSimplex } from '../internal/validation.js';

/** Logits may be -Infinity (probability 0) but not NaN or +Infinity. */
export const isLogit = elementwise((v) => !Number.isNaN(v) && v !== Infinity, 'a number below +Infinity (-Infinity allowed)');

/** Parameters of {@link Categorical} and {@link OneHotCategorical}: exactly one of `logits` and `probs`. */
export interface CategoricalParams extends DistributionOptions {
  /** Unnormalised log probabilities, shape batchShape + [K]; -Infinity allowed. */
  readonly logits?: TensorInput;
  /** Probabilities summing to one along the last axis, shape batchShape + [K]. */
  readonly probs?: TensorInput;
}

/** -Σ p log p over the last axis with 0·log 0 = 0 (-Infinity logits contribute nothing). */
export function categoricalEntropy(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = softmax(logits);
    const lp = logSoftmax(logits);
    return tf.neg(tf.sum(tf.where(tf.greater(p, 0), tf.mul(p, lp), tf.zerosLike(p)), -1));
  });
}

/**
 * The categorical distribution over {0, ..., K-1} with probabilities softmax(logits) along the last
 * axis: batch shape `logits.shape[:-1]`, event shape []. log p(k) = logits[k] - logSumExp(logits)
 * (stable at logits ±1000 and with -Infinity entries). `sample` and `mode` return int32 indices like
 * TFP; `logProb` accepts float32 or int32 values. Mean and variance are not defined. Not reparameterised.
 */
export class Categorical extends Distribution {
  readonly name: string = 'Categorical';
  readonly logits: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = false;
  /** K, the number of categories. */
  readonly numCategories: number;
  private readonly probs: tf.Tensor | undefined;

  constructor(params: CategoricalParams) {
    super(params);
    if ((params.logits === undefined) === (params.probs === undefined)) {
      throw new TypeError(`${this.name}: exactly one of 'logits' and 'probs' must be given`);
    }
    if (params.probs !== undefined) {
      this.probs = this.param('probs', params.probs, isSimplex());
      this.logits = this.own(tf.log(this.probs));
    } else {
      this.probs = undefined;
      this.logits = this.param('logits', params.logits, isLogit);
    }
    const arg = params.probs !== undefined ? 'probs' : 'logits';
    const k = trailingShape(this.name, arg, this.logits.shape, 1)[0]!;
    if (k < 1) {
      this.dispose();
      throw new RangeError(`${this.name}: argument '${arg}' must have at least one category, got shape [${this.logits.shape.join(', ')}]`);
    }
    this.numCategories = k;
    this.batchShape = leadingShape(this.logits.shape, 1);
  }

  /** The integers 0, ..., K-1. */
  get support(): Constraint {
    return integerInterval(0, this.numCategories - 1);
  }

  /** The logits as a fresh tensor. */
  logitsParameter(): tf.Tensor {
    return this.logits.clone();
  }
  /** The probabilities as a fresh tensor (the given probs, or softmax(logits)). */
  probsParameter(): tf.Tensor {
    return this.probs ? this.probs.clone() : softmax(this.logits);
  }

  /** int32 category indices (Gumbel-max on the logits). */
  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return random.categorical(key, this.logits, { shape });
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const out = broadcastShapes(this.name, { x: xv.shape, batchShape: this.batchShape });
      const lp = tf.broadcastTo(logSoftmax(this.logits), [...out, this.numCategories]);
      const xb = tf.broadcastTo(xv, out);
      const mask = tf.equal(tf.expandDims(xb, -1), tf.range(0, this.numCategories, 1, 'float32'));
      const picked = tf.sum(tf.where(mask, lp, tf.zerosLike(lp)), -1);
      return this.maskOutsideSupport(xb, picked);
    });
  }
  /** The most probable category (the first on ties), int32. */
  override mode(): tf.Tensor {
    return tf.tidy(() => tf.argMax(this.logits, -1));
  }
  /** -Σ p log p with 0·log 0 = 0. */
  override entropy(): tf.Tensor {
    return categoricalEntropy(this.logits);
  }
}
