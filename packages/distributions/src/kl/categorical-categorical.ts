import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax } from '@probdl/tensor-backend';
import type { Categorical } from '../families/categorical.js';
import type { OneHotCategorical } from '../families/one-hot-categorical.js';

/**
 * Σ_k softmax(a)_k (logSoftmax(a)_k - logSoftmax(b)_k) over the last axis of two logits tensors;
 * classes that p gives probability 0 (logit -Infinity) contribute 0 (0·(-Infinity) = 0), classes
 * that only q excludes make the KL +Infinity.
 */
export function categoricalKlFromLogits(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const la = logSoftmax(a);
    const lb = logSoftmax(b);
    const pa = tf.exp(la);
    const terms = tf.where(tf.equal(pa, 0), 0, tf.mul(pa, tf.sub(la, lb)));
    return tf.sum(terms, -1);
  });
}

/** KL(Categorical || Categorical), from the logits (see {@link categoricalKlFromLogits}). */
export function klCategoricalCategorical(p: Categorical, q: Categorical): tf.Tensor {
  return categoricalKlFromLogits(p.logits, q.logits);
}

/** KL(OneHotCategorical || OneHotCategorical), from the logits (see {@link categoricalKlFromLogits}). */
export function klOneHotCategoricalOneHotCategorical(p: OneHotCategorical, q: OneHotCategorical): tf.Tensor {
  return categoricalKlFromLogits(p.logits, q.logits);
}
