import * as tf from '@tensorflow/tfjs-core';
import type { Laplace } from '../families/laplace.js';

/**
 * KL(Laplace(μp, bp) || Laplace(μq, bq)) = log(bq/bp) + |μp - μq|/bq + (bp/bq)·exp(-|μp - μq|/bp) - 1.
 */
export function klLaplaceLaplace(p: Laplace, q: Laplace): tf.Tensor {
  return tf.tidy(() => {
    const distance = tf.abs(tf.sub(p.loc, q.loc));
    const logRatio = tf.sub(tf.log(p.scale), tf.log(q.scale));
    const ratio = tf.exp(logRatio);
    return tf.add(
      tf.sub(tf.neg(logRatio), 1),
      tf.add(tf.div(distance, q.scale), tf.mul(ratio, tf.exp(tf.neg(tf.div(distance, p.scale))))),
    );
  });
}
