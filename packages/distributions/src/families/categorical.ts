import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax, random, type PRNGKey } from '@probdl/tensor-backend';
import { integerInterval } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { CategoricalBase, type CategoricalParams } from './categorical-base.js';

export { categoricalEntropy, isLogit, type CategoricalParams } from './categorical-base.js';

/**
 * The categorical distribution over {0, ..., K-1} with probabilities softmax(logits) along the last
 * axis: batch shape `logits.shape[:-1]`, event shape []. log p(k) = logits[k] - logSumExp(logits)
 * (stable at logits ±1000 and with -Infinity entries). `sample` and `mode` return int32 indices like
 * TFP; `logProb` accepts float32 or int32 values. Mean and variance are not defined. Not reparameterised.
 */
export class Categorical extends CategoricalBase {
  readonly eventShape: readonly number[] = [];

  constructor(params: CategoricalParams) {
    super('Categorical', params);
  }

  /** The integers 0, ..., K-1. */
  get support(): Constraint {
    return integerInterval(0, this.numCategories - 1);
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
}
