import * as tf from '@tensorflow/tfjs-core';
import { horner, signOf } from './poly.js';

// sin(pi b) / b and cos(pi b) as Taylor polynomials in b^2 for b in [0, 1/4] (truncation below 1e-10).
const SIN_PI = [Math.PI, -(Math.PI ** 3) / 6, Math.PI ** 5 / 120, -(Math.PI ** 7) / 5040, Math.PI ** 9 / 362880, -(Math.PI ** 11) / 39916800];
const COS_PI = [1, -(Math.PI ** 2) / 2, Math.PI ** 4 / 24, -(Math.PI ** 6) / 720, Math.PI ** 8 / 40320, -(Math.PI ** 10) / 3628800];

/**
 * sin(pi x) and cos(pi x) with the argument reduced exactly (x - round(x) is exact in float32), so they are
 * accurate near every integer and half-integer however large x is, and independent of the backend's sin/cos
 * (WebGPU only promises an absolute 2^-11 for those).
 */
export function sinCosPi(x: tf.Tensor): { sin: tf.Tensor; cos: tf.Tensor } {
  const n = tf.round(x);
  const r = tf.sub(x, n);
  const a = tf.abs(r);
  const nearInteger = tf.lessEqual(a, 0.25);
  const b = tf.where(nearInteger, a, tf.sub(0.5, a));
  const b2 = tf.mul(b, b);
  const sinB = tf.mul(b, horner(b2, SIN_PI));
  const cosB = horner(b2, COS_PI);
  const sinA = tf.where(nearInteger, sinB, cosB);
  const cosA = tf.where(nearInteger, cosB, sinB);
  // (-1)^n from the parity of n; n / 2 is exact, and every float32 above 2^24 is even.
  const half = tf.mul(n, 0.5);
  const parity = tf.where(tf.equal(tf.floor(half), half), 1, -1);
  return { sin: tf.mul(tf.mul(parity, signOf(r)), sinA), cos: tf.mul(parity, cosA) };
}
