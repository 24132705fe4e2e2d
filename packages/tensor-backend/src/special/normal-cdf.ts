import * as tf from '@tensorflow/tfjs-core';
import type { SpecialInput } from './internal/args.js';
import { defineUnary } from './internal/define.js';
import { erfcxLarge, erfSmall, expNegScaledSquare } from './internal/erf-core.js';
import { erfinvRatio } from './error-functions.js';
import { log1pRaw } from './log-exp.js';

const SQRT1_2 = Math.SQRT1_2;
const SQRT2 = Math.SQRT2;
const SQRT_2PI = 2.5066282746310002;
const SQRT_2_OVER_PI = 0.7978845608028654;

/** Phi(-u) for u >= 1/sqrt2: exp(-u^2/2) erfcx(u/sqrt2) / 2, relative precision down to the float32 underflow. */
function upperTail(u: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(expNegScaledSquare(u, 0.5), erfcxLarge(tf.mul(u, SQRT1_2))), 0.5);
}

/** The standard normal CDF without gradient bookkeeping. */
export function ndtrRaw(x: tf.Tensor): tf.Tensor {
  const small = tf.less(tf.abs(x), SQRT2 / 2);
  const central = tf.add(0.5, tf.mul(erfSmall(tf.mul(tf.where(small, x, 0), SQRT1_2)), 0.5));
  const tail = upperTail(tf.where(small, 1, tf.abs(x)));
  return tf.where(small, central, tf.where(tf.less(x, 0), tail, tf.sub(1, tail)));
}

/** log Phi(x) without gradient bookkeeping. */
export function logNdtrRaw(x: tf.Tensor): tf.Tensor {
  // Far left (x < -1): log Phi(x) = -x^2/2 + log(erfcx(-x/sqrt2) / 2), finite down to x = -Infinity's neighbours.
  const deep = tf.less(x, -1);
  const xd = tf.where(deep, x, -1);
  const deepValue = tf.add(
    tf.mul(tf.mul(xd, xd), -0.5),
    tf.log(tf.mul(erfcxLarge(tf.mul(xd, -SQRT1_2)), 0.5)),
  );
  // Elsewhere from the lower tail q = Phi(-|x|): log(q) left of 0, log1p(-q) right of 0.
  const q = ndtrRaw(tf.neg(tf.abs(tf.where(deep, 0, x))));
  const near = tf.where(tf.less(x, 0), tf.log(q), log1pRaw(tf.neg(q)));
  return tf.where(deep, deepValue, near);
}

/** d/dx log Phi(x) = phi(x) / Phi(x), with the far-left form sqrt(2/pi) / erfcx(-x/sqrt2) (no 0/0). */
function logNdtrDerivative(x: tf.Tensor): tf.Tensor {
  const deep = tf.less(x, -1);
  const xd = tf.where(deep, x, -1);
  const deepValue = tf.div(SQRT_2_OVER_PI, erfcxLarge(tf.mul(xd, -SQRT1_2)));
  const xn = tf.where(deep, 0, x);
  const nearValue = tf.div(tf.div(expNegScaledSquare(xn, 0.5), SQRT_2PI), ndtrRaw(xn));
  return tf.where(deep, deepValue, nearValue);
}

/** The standard normal quantile without gradient bookkeeping. */
export function ndtriRaw(p: tf.Tensor): tf.Tensor {
  // ndtri(p) = sqrt2 erfinv(2p - 1), evaluated from q = 2 min(p, 1 - p) (exact) so the tails keep their digits:
  // 1 - q is the erfinv argument and w = -log(q (2 - q)).
  const lower = tf.lessEqual(p, 0.5);
  const q = tf.mul(tf.where(lower, p, tf.sub(1, p)), 2);
  const inRange = tf.logicalAnd(tf.greaterEqual(q, 0), tf.lessEqual(q, 1));
  const qs = tf.where(inRange, q, 1);
  const w = tf.neg(tf.log(tf.mul(qs, tf.sub(2, qs))));
  const magnitude = tf.mul(tf.mul(tf.sub(1, qs), erfinvRatio(w)), SQRT2);
  const atEnd = tf.equal(qs, 0);
  const value = tf.where(atEnd, Infinity, magnitude);
  const signed = tf.where(lower, tf.neg(value), value);
  // q out of [0, 1] means p out of [0, 1] (or NaN).
  return tf.where(inRange, signed, NaN);
}

/**
 * The standard normal CDF Phi(x), elementwise, with relative precision in the left tail until float32
 * underflows (about x = -13). Gradient the standard normal density.
 */
export const ndtr: (x: SpecialInput) => tf.Tensor = defineUnary('ndtr', ndtrRaw, (x) =>
  tf.div(expNegScaledSquare(x, 0.5), SQRT_2PI),
);

/**
 * log Phi(x), the standard normal log-CDF, elementwise: finite and relatively accurate for every finite x
 * (logNdtr(-1000) = -500007.83; logNdtr(5) = -2.87e-7). Gradient phi(x)/Phi(x), evaluated without the
 * 0/0 of the naive ratio in the far left tail (where it is about -x).
 */
export const logNdtr: (x: SpecialInput) => tf.Tensor = defineUnary('logNdtr', logNdtrRaw, (x) =>
  logNdtrDerivative(x),
);

/**
 * The standard normal quantile Phi^-1(p), elementwise, for p in [0, 1]: -Infinity at 0, +Infinity at 1,
 * NaN outside; accurate in both tails down to the smallest normal float32 p. Gradient 1 / phi(ndtri(p)).
 */
export const ndtri: (p: SpecialInput) => tf.Tensor = defineUnary('ndtri', ndtriRaw, (_p, y) =>
  tf.div(SQRT_2PI, expNegScaledSquare(y, 0.5)),
);
