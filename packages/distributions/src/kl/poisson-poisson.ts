import * as tf from '@tensorflow/tfjs-core';
import { expm1MinusX } from './numerics.js';
import type { Poisson } from '../families/poisson.js';

/**
 * KL(Poisson(λp) || Poisson(λq)) = λp(log λp - log λq) - λp + λq = λp·(e^δ - 1 - δ) with
 * δ = log λq - log λp, from the `logRate` fields ({@link expm1MinusX}: no cancellation when the rates are close).
 */
export function klPoissonPoisson(p: Poisson, q: Poisson): tf.Tensor {
  return tf.tidy(() => {
    const delta = tf.sub(q.logRate, p.logRate);
    return tf.mul(tf.exp(p.logRate), expm1MinusX(delta));
  });
}
