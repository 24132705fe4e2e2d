import * as tf from '@tensorflow/tfjs-core';
import type { SpecialInput } from './internal/args.js';
import { defineUnary } from './internal/define.js';
import { horner } from './internal/poly.js';

// Around 0 (1 + x in [1/sqrt2, sqrt2]) log1p uses log1p(x) = 2 atanh(s), s = x / (2 + x), as a series in s^2:
// it never takes the log of a number near 1, which WebGPU computes only to an absolute 2^-21.
const LOG1P_SMALL_LO = -0.2928932;
const LOG1P_SMALL_HI = 0.4142135;
const ATANH_SERIES = [1, 1 / 3, 1 / 5, 1 / 7, 1 / 9, 1 / 11];

/**
 * Whether the active backend's own log1p and expm1 kernels are accurate to float32 rounding: cpu's
 * (Math.log1p, Math.expm1) are, one op instead of ~30. wasm's and WebGPU's are not (the scipy-value tests
 * fail on wasm's log1p near 0), so they keep the careful forms below.
 */
function nativeLog1pIsAccurate(): boolean {
  return tf.getBackend() === 'cpu';
}

/** Whether the backend's log keeps relative precision near 1: cpu's and wasm's do, WebGPU's does not. */
function nativeLogIsAccurate(): boolean {
  const name = tf.getBackend();
  return name === 'cpu' || name === 'wasm';
}

/** log(1 + x) without gradient bookkeeping (building block for the other special functions). */
export function log1pRaw(x: tf.Tensor): tf.Tensor {
  if (nativeLog1pIsAccurate()) return tf.log1p(x);
  if (nativeLogIsAccurate()) return log1pFromLog(x);
  const small = tf.logicalAnd(tf.greater(x, LOG1P_SMALL_LO), tf.less(x, LOG1P_SMALL_HI));
  const xs = tf.where(small, x, 0);
  const s = tf.div(xs, tf.add(xs, 2));
  const series = tf.mul(tf.mul(s, 2), horner(tf.mul(s, s), ATANH_SERIES));
  // Away from 0: log(u) plus the rounding error of u = 1 + x (Kahan), the correction dropped where it is not finite.
  const xl = tf.where(small, 1, x);
  const u = tf.add(xl, 1);
  const corr = tf.div(tf.sub(xl, tf.sub(u, 1)), u);
  const large = tf.add(tf.log(u), tf.where(tf.isFinite(corr), corr, 0));
  return tf.where(small, series, large);
}

/**
 * log1p from an accurate log in a few ops (Goldberg 1991, "What every computer scientist should know
 * about floating-point arithmetic", thm. 4): with u = 1 + x rounded, log1p(x) = x · log(u) / (u - 1),
 * exact to a few ulps because the rounding of u cancels; x itself where u = 1, and +inf at +inf.
 */
function log1pFromLog(x: tf.Tensor): tf.Tensor {
  const u = tf.add(x, 1);
  const ratio = tf.mul(x, tf.div(tf.log(u), tf.sub(u, 1)));
  return tf.where(tf.equal(u, 1), x, tf.where(tf.equal(x, Infinity), x, ratio));
}

/**
 * log(x) with full relative precision also near x = 1: log1p(x - 1) on (1/2, 2), where x - 1 is exact.
 * (WebGPU's log is only absolutely accurate there, to 2^-21, which a large multiplier like a in a log(x) exposes.)
 */
export function logRaw(x: tf.Tensor): tf.Tensor {
  if (nativeLogIsAccurate()) return tf.log(x);
  const near = tf.logicalAnd(tf.greater(x, 0.5), tf.less(x, 2));
  return tf.where(near, log1pRaw(tf.where(near, tf.sub(x, 1), 0)), tf.log(x));
}

// |x| < ln(2)/2: the Taylor series to x^9/9! (truncation < 2e-11 relative); elsewhere exp(x) - 1 loses at most 2 bits.
const EXPM1_SMALL = 0.34657359;
const EXPM1_TAYLOR = [1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320, 1 / 362880];

/** exp(x) - 1 without gradient bookkeeping. */
export function expm1Raw(x: tf.Tensor): tf.Tensor {
  if (nativeLog1pIsAccurate()) return tf.expm1(x);
  const small = tf.less(tf.abs(x), EXPM1_SMALL);
  const xs = tf.where(small, x, 0);
  const series = tf.mul(xs, horner(xs, EXPM1_TAYLOR));
  return tf.where(small, series, tf.sub(tf.exp(x), 1));
}

/** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|), finite for every finite x. */
export function softplusRaw(x: tf.Tensor): tf.Tensor {
  return tf.add(tf.relu(x), log1pRaw(tf.exp(tf.neg(tf.abs(x)))));
}

/** log(sigmoid(x)) = min(x, 0) - log1p(e^-|x|). */
export function logSigmoidRaw(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.minimum(x, 0), log1pRaw(tf.exp(tf.neg(tf.abs(x)))));
}

/** 1 / (1 + e^-x) from e^-|x|, so neither tail overflows or loses relative precision. */
export function sigmoidRaw(x: tf.Tensor): tf.Tensor {
  const e = tf.exp(tf.neg(tf.abs(x)));
  const onePlus = tf.add(e, 1);
  return tf.where(tf.greaterEqual(x, 0), tf.div(1, onePlus), tf.div(e, onePlus));
}

/** sigmoid'(x) = e / (1 + e)^2 with e = e^-|x| (symmetric, no 1 - sigmoid cancellation). */
function sigmoidDerivative(x: tf.Tensor): tf.Tensor {
  const e = tf.exp(tf.neg(tf.abs(x)));
  const onePlus = tf.add(e, 1);
  return tf.div(e, tf.mul(onePlus, onePlus));
}

/**
 * log(p / (1 - p)) as log1p of an exactly computed ratio: for p >= 1/2, 2p - 1 and 1 - p are exact in float32;
 * for p < 1/2, 1 - 2p and p are. No cancellation near p = 1/2 and no rounding of 1 - p near 0.
 */
export function logitRaw(p: tf.Tensor): tf.Tensor {
  const upper = tf.greaterEqual(p, 0.5);
  const ratioUpper = tf.div(tf.sub(tf.mul(p, 2), 1), tf.sub(1, p));
  const ratioLower = tf.div(tf.sub(1, tf.mul(p, 2)), p);
  return tf.where(upper, log1pRaw(ratioUpper), tf.neg(log1pRaw(ratioLower)));
}

/**
 * log(1 + x), elementwise, accurate to a few float32 ulps for every x > -1 (also near 0, where
 * `log(1 + x)` loses every digit, and on backends whose own log1p is the naive formula).
 * -1 gives -Infinity, x < -1 gives NaN. Gradient 1 / (1 + x).
 */
export const log1p: (x: SpecialInput) => tf.Tensor = defineUnary('log1p', log1pRaw, (x) => tf.div(1, tf.add(x, 1)));

/**
 * exp(x) - 1, elementwise, accurate to a few float32 ulps near 0 (where `exp(x) - 1` cancels)
 * and overflowing to +Infinity above about 88.72 like exp. Gradient exp(x).
 */
export const expm1: (x: SpecialInput) => tf.Tensor = defineUnary('expm1', expm1Raw, (x) => tf.exp(x));

/**
 * softplus(x) = log(1 + exp(x)), elementwise: never overflows (softplus(1e4) = 1e4), keeps relative
 * precision in the left tail (softplus(-40) = 4.25e-18). Gradient sigmoid(x).
 */
export const softplus: (x: SpecialInput) => tf.Tensor = defineUnary('softplus', softplusRaw, (x) => sigmoidRaw(x));

/**
 * log(sigmoid(x)) = -softplus(-x), elementwise: logSigmoid(-1e4) = -1e4 (not -Infinity),
 * logSigmoid(40) = -4.25e-18 (not 0). Gradient sigmoid(-x).
 */
export const logSigmoid: (x: SpecialInput) => tf.Tensor = defineUnary('logSigmoid', logSigmoidRaw, (x) =>
  sigmoidRaw(tf.neg(x)),
);

/**
 * The logistic function 1 / (1 + exp(-x)), elementwise, with relative precision in both tails.
 * Gradient sigmoid(x) sigmoid(-x), computed without the cancelling 1 - sigmoid(x).
 */
export const sigmoid: (x: SpecialInput) => tf.Tensor = defineUnary('sigmoid', sigmoidRaw, (x) => sigmoidDerivative(x));

/**
 * The log-odds log(p / (1 - p)), elementwise, for p in [0, 1]: logit(0) = -Infinity, logit(1) = +Infinity,
 * NaN outside [0, 1]. Accurate near 0, 1/2 and 1. Gradient 1 / (p (1 - p)).
 */
export const logit: (p: SpecialInput) => tf.Tensor = defineUnary('logit', logitRaw, (p) =>
  tf.div(1, tf.mul(p, tf.sub(1, p))),
);
