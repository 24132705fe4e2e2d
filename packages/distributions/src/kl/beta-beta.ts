import * as tf from '@tensorflow/tfjs-core';
import { betaln, digamma } from '@probdl/tensor-backend';
import type { Beta } from '../families/beta.js';

/**
 * KL(Beta(a1, b1) || Beta(a2, b2)) (a = concentration1, b = concentration0) =
 * lnB(a2, b2) - lnB(a1, b1) + (a1 - a2)ψ(a1) + (b1 - b2)ψ(b1) + (a2 - a1 + b2 - b1)ψ(a1 + b1).
 */
export function klBetaBeta(p: Beta, q: Beta): tf.Tensor {
  return tf.tidy(() => {
    const a1 = p.concentration1;
    const b1 = p.concentration0;
    const a2 = q.concentration1;
    const b2 = q.concentration0;
    const lognorm = tf.sub(betaln(a2, b2), betaln(a1, b1));
    const ta = tf.mul(tf.sub(a1, a2), digamma(a1));
    const tb = tf.mul(tf.sub(b1, b2), digamma(b1));
    const tab = tf.mul(tf.add(tf.sub(a2, a1), tf.sub(b2, b1)), digamma(tf.add(a1, b1)));
    return tf.add(tf.add(lognorm, ta), tf.add(tb, tab));
  });
}
