import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax, softmax } from '@probdl/tensor-backend';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { leadingShape, trailingShape, type TensorInput } from '../internal/params.js';
import { checkProbsXorLogits, convertProbsOrLogits } from '../internal/probs-or-logits.js';
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
 * The shared part of the categorical families over K categories: exactly one of `logits` and
 * `probs` (stored as logits, the stable form), K from the last axis, batch shape `logits.shape[:-1]`,
 * the fresh `logitsParameter` / `probsParameter` and the entropy. Not reparameterised.
 */
export abstract class CategoricalBase extends Distribution {
  readonly name: string;
  readonly logits: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly reparameterized = false;
  /** K, the number of categories. */
  readonly numCategories: number;
  private readonly probs: tf.Tensor | undefined;

  protected constructor(name: string, params: CategoricalParams) {
    super(params);
    this.name = name;
    checkProbsXorLogits(this.name, params);
    const spec = { probsCheck: isSimplex(), logitsCheck: isLogit, toLogits: (p: tf.Tensor) => tf.log(p) };
    ({ logits: this.logits, probs: this.probs } = convertProbsOrLogits(params, spec, (...a) => this.param(...a), (t) => this.own(t)));
    const arg = params.probs !== undefined ? 'probs' : 'logits';
    const k = trailingShape(this.name, arg, this.logits.shape, 1)[0]!;
    if (k < 1) {
      this.dispose();
      throw new RangeError(`${this.name}: argument '${arg}' must have at least one category, got shape [${this.logits.shape.join(', ')}]`);
    }
    this.numCategories = k;
    this.batchShape = leadingShape(this.logits.shape, 1);
  }

  /** The logits as a fresh tensor. */
  logitsParameter(): tf.Tensor {
    return this.logits.clone();
  }
  /** The probabilities as a fresh tensor (the given probs, or softmax(logits)). */
  probsParameter(): tf.Tensor {
    return this.probs ? this.probs.clone() : softmax(this.logits);
  }
  /** -Σ p log p with 0·log 0 = 0. */
  override entropy(): tf.Tensor {
    return categoricalEntropy(this.logits);
  }
}
