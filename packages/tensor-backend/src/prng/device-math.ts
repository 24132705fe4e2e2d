import * as tf from '@tensorflow/tfjs-core';
import { log1p } from '../special/log-exp.js';

/*
 * XLA's own float32 erf and erf_inv, built from basic tfjs ops, so that samplers given tensor
 * bounds reproduce JAX's numbers (the special module's erf/erfinv are more accurate, but differ
 * from JAX's in the last bits). Callers run them inside tf.tidy.
 */

// Same rational approximation as XLA's float32 erf on CPU (see float32.ts).
const EA = [1.128379143519084, 0.18520832239976145, 0.050955695062380861, 0.0034082910107109506, 0.00022905065861350646];
const EB = [1.0, 0.49746925110067538, 0.11098505178285362, 0.014070470171167667, 0.0010179625278914885, 0.000023547966471313185, -1.1791602954361697e-7];

/** erf(x) as x P(x^2) / Q(x^2), ±1 for |x| ≥ 3.8325 (the float32 rational approximation XLA uses). */
export function erfDevice(x: tf.Tensor): tf.Tensor {
  const xc = tf.clipByValue(x, -3.832506856900711, 3.832506856900711);
  const x2 = tf.square(xc);
  let p: tf.Tensor = tf.scalar(EA[4]!);
  for (let i = 3; i >= 0; i--) p = tf.add(tf.mul(p, x2), EA[i]!);
  let q: tf.Tensor = tf.scalar(EB[6]!);
  for (let i = 5; i >= 0; i--) q = tf.add(tf.mul(q, x2), EB[i]!);
  const r = tf.div(tf.mul(xc, p), q);
  return tf.where(tf.greaterEqual(tf.abs(x), 3.832506856900711), tf.sign(x), r);
}

const ERFINV_SMALL = [2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941];
const ERFINV_LARGE = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682];

/** erf_inv(x) with XLA's float32 polynomial (M. Giles); ±Infinity at ±1, NaN outside [-1, 1]. */
export function erfInvDevice(x: tf.Tensor): tf.Tensor {
  const w0 = tf.neg(log1p(tf.neg(tf.square(x))));
  const small = tf.less(w0, 5);
  const w = tf.where(small, tf.sub(w0, 2.5), tf.sub(tf.sqrt(w0), 3));
  let p: tf.Tensor = tf.where(small, tf.scalar(ERFINV_SMALL[0]!), tf.scalar(ERFINV_LARGE[0]!));
  for (let i = 1; i < 9; i++) p = tf.add(tf.mul(p, w), tf.where(small, tf.scalar(ERFINV_SMALL[i]!), tf.scalar(ERFINV_LARGE[i]!)));
  const edge = tf.equal(tf.abs(x), 1);
  return tf.where(edge, tf.mul(x, Infinity), tf.where(tf.greater(tf.abs(x), 1), tf.fill(x.shape, NaN), tf.mul(p, x)));
}

/**
 * Approximately nextafter(x, +Infinity) for float32 x: x plus 1.5 |x| 2^-24 (between 0.75 and 1.5 ulp,
 * so it rounds to exactly one ulp up for normal numbers), or plus the smallest normal near 0.
 * Infinities and NaN are returned unchanged.
 */
export function nextUpDevice(x: tf.Tensor): tf.Tensor {
  const step = tf.maximum(tf.mul(tf.abs(x), 1.5 * 2 ** -24), 2 ** -126);
  return tf.where(tf.isFinite(x), tf.add(x, step), x);
}

/** Approximately nextafter(x, -Infinity); see {@link nextUpDevice}. */
export function nextDownDevice(x: tf.Tensor): tf.Tensor {
  return tf.neg(nextUpDevice(tf.neg(x)));
}
