import * as tf from '@tensorflow/tfjs-core';
import { log1pRaw } from '../log-exp.js';
import { horner } from './poly.js';

// With s = t / (2 + t): log1p(t) - t = -2 s^2 / (1 - s) + 2 s^3 (1/3 + s^2/5 + ...), no cancellation, for
// t in [-1/2, 1] (|s| <= 1/3, truncation after s^2^8/19 below 1e-9 relative).
const ATANH_TAIL = [1 / 3, 1 / 5, 1 / 7, 1 / 9, 1 / 11, 1 / 13, 1 / 15, 1 / 17, 1 / 19];

/** log1p(t) - t, accurate also near t = 0 where it is about -t^2/2 (t = -1 gives -Infinity). */
export function log1pmx(t: tf.Tensor): tf.Tensor {
  const small = tf.logicalAnd(tf.greaterEqual(t, -0.5), tf.lessEqual(t, 1));
  const ts = tf.where(small, t, 0);
  const s = tf.div(ts, tf.add(ts, 2));
  const s2 = tf.mul(s, s);
  const series = tf.add(
    tf.div(tf.mul(s2, -2), tf.sub(1, s)),
    tf.mul(tf.mul(tf.mul(s2, s), 2), horner(s2, ATANH_TAIL)),
  );
  const tl = tf.where(small, 2, t);
  return tf.where(small, series, tf.sub(log1pRaw(tl), tl));
}
