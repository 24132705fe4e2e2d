import * as tf from '@tensorflow/tfjs-core';
import { sigmoid, softplus } from '@probdl/tensor-backend';
import type { Bernoulli } from '../families/bernoulli.js';

/**
 * KL(Bernoulli(a) || Bernoulli(b)) from the logits a, b:
 * σ(a)·(softplus(-b) - softplus(-a)) + σ(-a)·(softplus(b) - softplus(a)). Finite at logits ±1000;
 * an outcome p gives probability 0 (a = ±Infinity) contributes 0, not 0·Infinity = NaN.
 */
export function klBernoulliBernoulli(p: Bernoulli, q: Bernoulli): tf.Tensor {
  return tf.tidy(() => {
    const a = p.logits;
    const b = q.logits;
    const p1 = sigmoid(a);
    const p0 = sigmoid(tf.neg(a));
    const term1 = tf.where(tf.equal(p1, 0), 0, tf.mul(p1, tf.sub(softplus(tf.neg(b)), softplus(tf.neg(a)))));
    const term0 = tf.where(tf.equal(p0, 0), 0, tf.mul(p0, tf.sub(softplus(b), softplus(a))));
    return tf.add(term1, term0);
  });
}
