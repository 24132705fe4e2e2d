import * as tf from '@tensorflow/tfjs-core';
import type { SpecialInput } from './internal/args.js';
import { defineUnary } from './internal/define.js';
import { erfcxLarge, erfSmall, expNegScaledSquare } from './internal/erf-core.js';
import { horner, signOf } from './internal/poly.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const HALF_SQRT_PI = 0.886226925452758;

/** erf(x) without gradient bookkeeping: a polynomial below 1/2, 1 - exp(-x^2) erfcx(|x|) above. */
export function erfRaw(x: tf.Tensor): tf.Tensor {
  const small = tf.less(tf.abs(x), 0.5);
  const series = erfSmall(tf.where(small, x, 0));
  const z = tf.where(small, 0.5, tf.abs(x));
  const tail = tf.mul(expNegScaledSquare(z, 1), erfcxLarge(z));
  return tf.where(small, series, tf.mul(signOf(x), tf.sub(1, tail)));
}

/** erfc(x) without gradient bookkeeping: relative precision in the right tail down to the float32 underflow. */
export function erfcRaw(x: tf.Tensor): tf.Tensor {
  const small = tf.less(tf.abs(x), 0.5);
  const series = tf.sub(1, erfSmall(tf.where(small, x, 0)));
  const z = tf.where(small, 0.5, tf.abs(x));
  const tail = tf.mul(expNegScaledSquare(z, 1), erfcxLarge(z));
  return tf.where(small, series, tf.where(tf.greater(x, 0), tail, tf.sub(2, tail)));
}

// erfinv(x) = x G(w) with w = -log(1 - x^2) (the form of Giles 2010, "Approximating the erfinv function"),
// with our own minimax fits made with mpmath: G as a polynomial in w - 2.5 for w < 5, and in s = sqrt(w) on
// [sqrt 5, 4.5) and [4.5, 9.4]. The last piece reaches w = 87, i.e. 1 - |x| down to 1e-38, which ndtri needs.
const ERFINV_W = [
  1.5014093592832598, 0.24664028614749609, -0.004177386784800309, -0.0012527418650329256, 0.00021834444252243868,
  -4.963355854633446e-6, -3.4627055729357675e-6, 4.661724135778738e-7, 2.3232710716849135e-8, -8.791183228123919e-9,
];
const ERFINV_S_MID_CENTER = 3.368033988749895;
const ERFINV_S_MID = [
  3.2026094398091645, 1.006385133243788, 0.004225908728729295, -0.0027841519557740176, 0.0016724140924913795,
  -0.0010986967909946861, 0.00068340541442016, -0.0003369296841047012, 6.187812135505245e-5, 5.220780686023513e-5,
  -2.646324128768655e-5,
];
const ERFINV_S_TAIL_CENTER = 6.95;
const ERFINV_S_TAIL = [
  6.818588608645475, 1.0086470136109786, -0.0005136262253036087, 4.844640246186075e-6, 6.591480058571009e-6,
  -1.604873144653833e-6, 2.924649337880775e-7, -8.109766632782807e-8, 1.4847380348380205e-8,
];

/** G(w) = erfinv(x) / x as a function of w = -log(1 - x^2) >= 0 (w = +Infinity gives +Infinity). */
export function erfinvRatio(w: tf.Tensor): tf.Tensor {
  const central = tf.less(w, 5);
  const gCentral = horner(tf.sub(tf.where(central, w, 2.5), 2.5), ERFINV_W);
  const s = tf.sqrt(tf.where(central, 5, w));
  const mid = tf.less(s, 4.5);
  const gMid = horner(tf.sub(tf.where(mid, s, ERFINV_S_MID_CENTER), ERFINV_S_MID_CENTER), ERFINV_S_MID);
  const gTail = horner(tf.sub(tf.where(mid, ERFINV_S_TAIL_CENTER, s), ERFINV_S_TAIL_CENTER), ERFINV_S_TAIL);
  const g = tf.where(central, gCentral, tf.where(mid, gMid, gTail));
  return tf.where(tf.equal(w, Infinity), Infinity, g);
}

/** erfinv(x) without gradient bookkeeping. */
export function erfinvRaw(x: tf.Tensor): tf.Tensor {
  const ax = tf.abs(x);
  // (1 - |x|)(1 + |x|): 1 - |x| is exact where it matters (|x| near 1).
  const w = tf.neg(tf.log(tf.mul(tf.sub(1, ax), tf.add(1, ax))));
  const y = tf.mul(x, erfinvRatio(tf.where(tf.lessEqual(ax, 1), w, 0)));
  const atOne = tf.equal(ax, 1);
  return tf.where(tf.greater(ax, 1), NaN, tf.where(atOne, tf.mul(signOf(x), Infinity), y));
}

/**
 * The error function erf(x), elementwise, to a few float32 ulps on every backend (the WebGPU erf is only
 * absolutely accurate near 0). Gradient 2/sqrt(pi) exp(-x^2).
 */
export const erf: (x: SpecialInput) => tf.Tensor = defineUnary('erf', erfRaw, (x) =>
  tf.mul(expNegScaledSquare(x, 1), TWO_OVER_SQRT_PI),
);

/**
 * The complementary error function erfc(x) = 1 - erf(x), elementwise, with relative precision in the right
 * tail until it underflows float32 near x = 9.2 (not 1 - erf(x), which is 0 from x = 4). Gradient -2/sqrt(pi) exp(-x^2).
 */
export const erfc: (x: SpecialInput) => tf.Tensor = defineUnary('erfc', erfcRaw, (x) =>
  tf.mul(expNegScaledSquare(x, 1), -TWO_OVER_SQRT_PI),
);

/**
 * The inverse error function, elementwise, for x in [-1, 1]: erfinv(+-1) = +-Infinity, NaN outside.
 * Gradient sqrt(pi)/2 exp(erfinv(x)^2).
 */
export const erfinv: (x: SpecialInput) => tf.Tensor = defineUnary('erfinv', erfinvRaw, (_x, y) =>
  tf.div(HALF_SQRT_PI, expNegScaledSquare(y, 1)),
);
