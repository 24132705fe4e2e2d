import * as tf from '@tensorflow/tfjs-core';
import { digamma, lgamma } from '@probdl/tensor-backend';
import { expm1MinusX } from './numerics.js';
import type { Gamma } from '../families/gamma.js';

/**
 * KL(Gamma(αp, βp) || Gamma(αq, βq)) (concentration α, rate β) =
 * (αp - αq)ψ(αp) - lgamma(αp) + lgamma(αq) + αq(log βp - log βq) + αp(βq/βp - 1),
 * with the last two terms regrouped around {@link expm1MinusX} so that nearby rates lose no digits.
 */
export function klGammaGamma(p: Gamma, q: Gamma): tf.Tensor {
  return tf.tidy(() => {
    const ap = p.concentration;
    const aq = q.concentration;
    const logRateDiff = tf.sub(tf.log(p.rate), tf.log(q.rate));
    const t1 = tf.mul(tf.sub(ap, aq), digamma(ap));
    const t2 = tf.sub(lgamma(aq), lgamma(ap));
    // αq·δ + αp(e^{-δ} - 1) = (αq - αp)·δ + αp·(e^{-δ} - 1 + δ), δ = log βp - log βq.
    const t3 = tf.mul(tf.sub(aq, ap), logRateDiff);
    const t4 = tf.mul(ap, expm1MinusX(tf.neg(logRateDiff)));
    return tf.add(tf.add(t1, t2), tf.add(t3, t4));
  });
}
