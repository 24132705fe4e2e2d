import * as tf from '@tensorflow/tfjs-core';
import { expm1 } from '@probdl/tensor-backend';

/**
 * `e^x - 1 - x` without the cancellation of `expm1(x) - x` near 0 (relative error about float32
 * eps, where the difference would lose eps/|x|): a Taylor series for |x| < 0.1, expm1(x) - x
 * beyond. Several KL closed forms reduce to it (Normal, Exponential, Poisson, Gamma), so that KL of
 * two nearly equal distributions keeps its digits. Differentiable; a fresh tensor.
 */
export function expm1MinusX(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const small = tf.less(tf.abs(x), 0.1);
    const xs = tf.where(small, x, 0);
    // x²(1/2 + x(1/6 + x(1/24 + x(1/120 + x(1/720 + x/5040))))), truncation < 1e-9 relative at |x| = 0.1.
    let poly = tf.add(1 / 720, tf.div(xs, 5040));
    for (const c of [1 / 120, 1 / 24, 1 / 6, 1 / 2]) poly = tf.add(c, tf.mul(xs, poly));
    const series = tf.mul(tf.square(xs), poly);
    const xl = tf.where(small, 1, x);
    return tf.where(small, series, tf.sub(expm1(xl), xl));
  });
}
