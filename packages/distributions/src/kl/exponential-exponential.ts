import * as tf from '@tensorflow/tfjs-core';
import { expm1MinusX } from './numerics.js';
import type { Exponential } from '../families/exponential.js';

/**
 * KL(Exponential(λp) || Exponential(λq)) = log λp - log λq + λq/λp - 1 = e^δ - 1 - δ with
 * δ = log λq - log λp ({@link expm1MinusX}: no cancellation when the rates are close).
 */
export function klExponentialExponential(p: Exponential, q: Exponential): tf.Tensor {
  return tf.tidy(() => {
    const delta = tf.sub(tf.log(q.rate), tf.log(p.rate));
    return expm1MinusX(delta);
  });
}
