import * as tf from '@tensorflow/tfjs-core';
import { digamma, lgamma } from '@probdl/tensor-backend';
import type { Dirichlet } from '../multivariate/dirichlet.js';

/**
 * KL(Dirichlet(αp) || Dirichlet(αq)) = lgamma(Σαp) - Σ lgamma(αp) - lgamma(Σαq) + Σ lgamma(αq)
 * + Σ (αp - αq)(ψ(αp) - ψ(Σαp)), summed over the event (last) axis.
 */
export function klDirichletDirichlet(p: Dirichlet, q: Dirichlet): tf.Tensor {
  return tf.tidy(() => {
    const a = p.concentration;
    const b = q.concentration;
    const a0 = tf.sum(a, -1);
    const b0 = tf.sum(b, -1);
    const logNormP = tf.sub(lgamma(a0), tf.sum(lgamma(a), -1));
    const logNormQ = tf.sub(lgamma(b0), tf.sum(lgamma(b), -1));
    const cross = tf.sum(tf.mul(tf.sub(a, b), tf.sub(digamma(a), tf.expandDims(digamma(a0), -1))), -1);
    return tf.add(tf.sub(logNormP, logNormQ), cross);
  });
}
