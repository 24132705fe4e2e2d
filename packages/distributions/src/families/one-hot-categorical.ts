import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax, random, softmax, type PRNGKey } from '@probdl/tensor-backend';
import { oneHot } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { broadcastShapes, leadingShape, trailingShape, type TensorInput } from '../internal/params.js';
import { CategoricalBase, type CategoricalParams } from './categorical-base.js';

/** Parameters of {@link OneHotCategorical} (the same as {@link CategoricalParams}). */
export type OneHotCategoricalParams = CategoricalParams;

/**
 * The categorical distribution over one-hot vectors of length K: batch shape `logits.shape[:-1]`,
 * event shape [K]. log p(x) = Σ x·logSoftmax(logits) for one-hot x (-Infinity for other vectors).
 * `sample` and `mode` return float32 one-hot vectors; mean = probs, variance = p (1 - p).
 * Not reparameterised.
 */
export class OneHotCategorical extends CategoricalBase {
  readonly eventShape: readonly number[];

  constructor(params: OneHotCategoricalParams) {
    super('OneHotCategorical', params);
    this.eventShape = [this.numCategories];
  }

  /** One-hot vectors along the last axis. */
  get support(): Constraint {
    return oneHot;
  }

  /** float32 one-hot vectors, shape sampleShape + batchShape + [K]. */
  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => {
      const idx = random.categorical(key, this.logits, { shape: shape.slice(0, -1) });
      return tf.cast(tf.oneHot(idx, this.numCategories), 'float32');
    });
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const xEvent = trailingShape(this.name, 'x', xv.shape, 1)[0];
      if (xEvent !== this.numCategories) {
        throw new RangeError(`${this.name}.logProb: x must end in the event shape [${this.numCategories}], got shape [${xv.shape.join(', ')}]`);
      }
      const out = broadcastShapes(this.name, { x: leadingShape(xv.shape, 1), batchShape: this.batchShape });
      const full = [...out, this.numCategories];
      const lp = tf.broadcastTo(logSoftmax(this.logits), full);
      const xb = tf.broadcastTo(xv, full);
      const terms = tf.where(tf.notEqual(xb, 0), tf.mul(xb, lp), tf.zerosLike(lp));
      return this.maskOutsideSupport(xb, tf.sum(terms, -1));
    });
  }
  /** The probabilities. */
  override mean(): tf.Tensor {
    return this.probsParameter();
  }
  /** p (1 - p) per category. */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const p = softmax(this.logits);
      return tf.mul(p, tf.sub(1, p));
    });
  }
  /** The one-hot vector of the most probable category (the first on ties), float32. */
  override mode(): tf.Tensor {
    return tf.tidy(() => tf.cast(tf.oneHot(tf.argMax(this.logits, -1), this.numCategories), 'float32'));
  }
}
