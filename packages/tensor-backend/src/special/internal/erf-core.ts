import * as tf from '@tensorflow/tfjs-core';
import { horner } from './poly.js';

// erf(x) / x as a polynomial in x^2 for |x| <= 1/2 (minimax fit made with mpmath, 1.2e-11 relative).
const ERF_SMALL = [
  1.1283791670820773, -0.3761263851908878, 0.11283773804773173, -0.02686311981676964, 0.005200308027151929,
  -0.0007692848468108049,
];
// erfcx(z) = exp(z^2) erfc(z) for z >= 1/2 as t Q(t), t = 2 / (2 + z) in (0, 0.8]: one fit covers the whole
// tail including z -> infinity (erfcx ~ 1 / (z sqrt(pi))), 1.4e-8 relative before float32 rounding.
const ERFCX_T = [
  0.28209478791890863, 0.28209558317490413, 0.24680751999908757, 0.17658057460628557, 0.08291742986604106,
  -0.008767954677406563, -0.014435920155084232, -0.19181792697293804, 0.20888566604919803, -0.06443315924787402,
];

/** erf(x) for |x| <= 1/2 (the caller masks larger |x|). */
export function erfSmall(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, horner(tf.mul(x, x), ERF_SMALL));
}

/** exp(z^2) erfc(z) for z >= 1/2 (z = +Infinity gives 0). */
export function erfcxLarge(z: tf.Tensor): tf.Tensor {
  const t = tf.div(2, tf.add(z, 2));
  return tf.mul(t, horner(t, ERFCX_T));
}

/**
 * exp(-c x^2) for c = 1 or 1/2 without the rounding error of x^2 (which is x^2 2^-24 relative, i.e. 6e-6 at
 * x = 10): x = h + l with h on a 1/256 grid, so c h^2 is exact and exp(-c x^2) = exp(-c h^2) exp(-c l (x + h)).
 */
export function expNegScaledSquare(x: tf.Tensor, c: 1 | 0.5): tf.Tensor {
  const xa = tf.minimum(tf.abs(x), 40);
  const h = tf.div(tf.round(tf.mul(xa, 256)), 256);
  const lowTerm = tf.mul(tf.sub(xa, h), tf.add(xa, h));
  return tf.mul(tf.exp(tf.mul(tf.mul(h, h), -c)), tf.exp(tf.mul(lowTerm, -c)));
}
