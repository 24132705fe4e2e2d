import * as tf from '@tensorflow/tfjs-core';
import { floatArgs, savedAt, type SpecialInput } from './internal/args.js';
import { customOp, defineUnary } from './internal/define.js';
import { horner, intPow } from './internal/poly.js';
import { sinCosPi } from './internal/trig-pi.js';
import { log1pRaw } from './log-exp.js';

const LOG_PI = 1.1447298858494002;
const HALF_LOG_2PI = 0.9189385332046728;

// lgamma(1 + e) / e on e in [-0.3, 0.5] and lgamma(2 + e) / e on e in [-0.5, 0.5]: minimax (relative) fits
// made with mpmath for this file; 3e-9 and 3e-10 relative before float32 rounding. Writing lgamma as e * P(e)
// keeps full relative precision at its zeros x = 1 and x = 2.
const LGAMMA_NEAR_1 = [
  -0.5772156651480158, 0.822466979628943, -0.4006854438964861, 0.2705875143799872, -0.2074079223039456,
  0.16934354750769776, -0.14321683560249795, 0.1275248117702879, -0.12280322788269211, 0.10373639046964045,
  -0.045879662332170286,
];
const LGAMMA_NEAR_2 = [
  0.42278433500652146, 0.32246703468805027, -0.06735228224709303, 0.020580734421022952, -0.0073861586690781526,
  0.002891732354520648, -0.0011859590913906655, 0.0005015184589613457, -0.0002536190636981995,
  0.00012236094447052516,
];
// Stirling series of lgamma(y) - [(y - 1/2) log y - y + log(2 pi)/2] in 1/y^2, for y >= 8 (next term < 1e-11).
const STIRLING_CORRECTION = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680];

/** lgamma(y) - [(y - 1/2) log y - y + log(2 pi) / 2], the Stirling remainder, for y >= 8. */
export function stirlingCorrection(y: tf.Tensor): tf.Tensor {
  const r = tf.div(1, y);
  return tf.mul(r, horner(tf.mul(r, r), STIRLING_CORRECTION));
}

/** log Gamma(y) for y >= 0 (NaN propagates). */
function lgammaPositive(y: tf.Tensor): tf.Tensor {
  const big = tf.greaterEqual(y, 8);
  const lowUp = tf.less(y, 0.7);
  // Below 0.7 use lgamma(y) = lgamma(y + 1) - log(y); in [2.5, 8) step down to [1.5, 2.5) with
  // lgamma(t + 1) = lgamma(t) + log(t), six fixed steps (data-independent: each is a masked select).
  let t = tf.where(lowUp, tf.add(y, 1), tf.where(big, 2, y));
  let z: tf.Tensor = tf.onesLike(y);
  for (let i = 0; i < 6; i++) {
    const m = tf.greaterEqual(t, 2.5);
    t = tf.where(m, tf.sub(t, 1), t);
    z = tf.where(m, tf.mul(z, t), z);
  }
  const nearOne = tf.less(t, 1.5);
  const e1 = tf.where(nearOne, tf.sub(t, 1), 0);
  const e2 = tf.where(nearOne, 0, tf.sub(t, 2));
  const poly = tf.where(nearOne, tf.mul(e1, horner(e1, LGAMMA_NEAR_1)), tf.mul(e2, horner(e2, LGAMMA_NEAR_2)));
  const adjust = tf.where(lowUp, tf.neg(tf.log(tf.where(lowUp, y, 1))), tf.log(z));
  const small = tf.add(poly, adjust);
  const yb = tf.where(big, y, 8);
  const stirling = tf.add(
    tf.add(tf.sub(tf.mul(tf.sub(yb, 0.5), tf.sub(tf.log(yb), 1)), 0.5), HALF_LOG_2PI),
    stirlingCorrection(yb),
  );
  return tf.where(big, stirling, small);
}

/**
 * lgamma(1 + a) computed from a itself (no rounding of 1 + a, which matters for tiny a): a P(a) for
 * -0.3 <= a <= 0.5, lgamma(1 + a) elsewhere.
 */
export function lgamma1pRaw(a: tf.Tensor): tf.Tensor {
  const near = tf.logicalAnd(tf.greaterEqual(a, -0.3), tf.lessEqual(a, 0.5));
  const an = tf.where(near, a, 0);
  return tf.where(near, tf.mul(an, horner(an, LGAMMA_NEAR_1)), lgammaRaw(tf.add(tf.where(near, 1, a), 1)));
}

/** log|Gamma(x)| without gradient bookkeeping. */
export function lgammaRaw(x: tf.Tensor): tf.Tensor {
  const neg = tf.less(x, 0);
  const y = tf.where(neg, tf.sub(1, x), x);
  const core = lgammaPositive(y);
  // Reflection: log|Gamma(x)| = log(pi) - log|sin(pi x)| - log Gamma(1 - x), with sin(pi x) reduced exactly.
  const { sin } = sinCosPi(tf.where(neg, x, 0.5));
  const reflected = tf.sub(tf.sub(LOG_PI, tf.log(tf.abs(sin))), core);
  const out = tf.where(neg, reflected, core);
  // |Gamma(x)| -> 0 along x -> -inf (scipy gives -inf there too).
  return tf.where(tf.equal(x, -Infinity), -Infinity, out);
}

// digamma(t) / (t - x0) on [1, 2] as a polynomial in t - 3/2, x0 the positive root of digamma split into two
// float32 parts: (t - X0_HI) is exact, so digamma keeps full relative precision at its root.
const DIGAMMA_ROOT_HI = 1.4616321325302124;
const DIGAMMA_ROOT_LO = 1.2438149938918909e-8;
const DIGAMMA_1_2 = [
  0.9510558756360343, -0.42362749887714357, 0.24054261513327993, -0.14839878592679986, 0.09498210037805814,
  -0.06205707383607699, 0.040879144942240514, -0.025781025691008343, 0.016981290372759892,
  -0.016384069572296697, 0.011117241605810388,
];
// digamma(y) - log(y) + 1/(2y) as a series in 1/y^2 (Bernoulli numbers), for y >= 10.
const DIGAMMA_ASYMPTOTIC = [-1 / 12, 1 / 120, -1 / 252, 1 / 240, -1 / 132];

function digammaPositive(y: tf.Tensor): tf.Tensor {
  const big = tf.greaterEqual(y, 10);
  const up = tf.less(y, 1);
  let t = tf.where(up, tf.add(y, 1), tf.where(big, 1.5, y));
  let s: tf.Tensor = tf.zerosLike(y);
  // digamma(t + 1) = digamma(t) + 1/t: eight masked steps bring [2, 10) down to [1, 2).
  for (let i = 0; i < 8; i++) {
    const m = tf.greaterEqual(t, 2);
    t = tf.where(m, tf.sub(t, 1), t);
    s = tf.add(s, tf.where(m, tf.div(1, t), 0));
  }
  const core = tf.mul(tf.sub(tf.sub(t, DIGAMMA_ROOT_HI), DIGAMMA_ROOT_LO), horner(tf.sub(t, 1.5), DIGAMMA_1_2));
  const small = tf.sub(tf.add(core, s), tf.where(up, tf.div(1, tf.where(up, y, 1)), 0));
  const yb = tf.where(big, y, 10);
  const r2 = tf.div(1, tf.mul(yb, yb));
  const asym = tf.add(tf.sub(tf.log(yb), tf.div(0.5, yb)), tf.mul(r2, horner(r2, DIGAMMA_ASYMPTOTIC)));
  return tf.where(big, asym, small);
}

/** digamma(x) without gradient bookkeeping. */
export function digammaRaw(x: tf.Tensor): tf.Tensor {
  const neg = tf.less(x, 0);
  const y = tf.where(neg, tf.sub(1, x), x);
  const core = digammaPositive(y);
  // Reflection: digamma(x) = digamma(1 - x) - pi cot(pi x); the poles at negative integers give NaN.
  const { sin, cos } = sinCosPi(tf.where(neg, x, 0.5));
  const reflected = tf.sub(core, tf.div(tf.mul(cos, Math.PI), sin));
  const pole = tf.logicalAnd(neg, tf.equal(x, tf.round(x)));
  return tf.where(pole, NaN, tf.where(neg, reflected, core));
}

/** Coefficients (lowest first) of the polynomial p_n with d^n/du^n cot(u) = p_n(cot u). */
function cotDerivativePoly(n: number): number[] {
  let p = [0, 1];
  for (let k = 0; k < n; k++) {
    const dp = p.slice(1).map((c, i) => c * (i + 1));
    // p' * (-(1 + c^2))
    const next = new Array<number>(dp.length + 2).fill(0);
    dp.forEach((c, i) => {
      next[i] = (next[i] as number) - c;
      next[i + 2] = (next[i + 2] as number) - c;
    });
    p = next;
  }
  return p;
}

const BERNOULLI_2K = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730];
const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));

/** polygamma(n, x) for n >= 1 without gradient bookkeeping. */
export function polygammaRaw(n: number, x: tf.Tensor): tf.Tensor {
  const neg = tf.less(x, 0);
  const y = tf.where(neg, tf.sub(1, x), x);
  // polygamma(n, y) = (-1)^(n+1) n! sum_k 1/(y + k)^(n+1): ten masked steps bring y up to >= 10 ...
  let t = y;
  let acc: tf.Tensor = tf.zerosLike(y);
  for (let i = 0; i < 10; i++) {
    const m = tf.less(t, 10);
    acc = tf.add(acc, tf.where(m, intPow(tf.div(1, t), n + 1), 0));
    t = tf.where(m, tf.add(t, 1), t);
  }
  // ... where the Euler-Maclaurin tail (n-1)!/t^n + n!/(2 t^(n+1)) + sum B_2k (2k+n-1)!/(2k)! / t^(2k+n) takes over.
  const r = tf.div(1, t);
  const tail = BERNOULLI_2K.map((b, k) => (b * factorial(2 * k + 2 + n - 1)) / factorial(2 * k + 2));
  const r2 = tf.mul(r, r);
  const bracket = tf.add(
    tf.add(factorial(n - 1), tf.mul(r, factorial(n) / 2)),
    tf.mul(r2, horner(r2, tail)),
  );
  const sign = n % 2 === 1 ? 1 : -1;
  const positive = tf.mul(tf.add(tf.mul(acc, factorial(n)), tf.mul(intPow(r, n), bracket)), sign);
  // Reflection: polygamma(n, x) = (-1)^n polygamma(n, 1 - x) - pi^(n+1) p_n(cot(pi x)).
  const { sin, cos } = sinCosPi(tf.where(neg, x, 0.5));
  const cot = tf.div(cos, sin);
  const cotTerm = tf.mul(horner(cot, cotDerivativePoly(n)), Math.PI ** (n + 1));
  const reflected = tf.sub(n % 2 === 0 ? positive : tf.neg(positive), cotTerm);
  const pole = tf.logicalAnd(tf.lessEqual(x, 0), tf.equal(x, tf.round(x)));
  const poleValue = n % 2 === 1 ? Infinity : NaN;
  return tf.where(pole, poleValue, tf.where(neg, reflected, positive));
}

/** Highest polygamma order supported: the asymptotic tail at y >= 10 stays below 1e-7 relative up to here. */
export const POLYGAMMA_MAX_ORDER = 8;

/**
 * digamma (psi), the derivative of lgamma, elementwise: asymptotic series above 10, recurrence down to
 * [1, 2] with a fit around its root 1.4616 (so it keeps relative precision there), reflection for x < 0.
 * NaN at 0 from the left and at negative integers; digamma(0) = -Infinity. Gradient trigamma(x).
 */
export const digamma: (x: SpecialInput) => tf.Tensor = defineUnary('digamma', digammaRaw, (x) => polygamma(1, x));

/**
 * log|Gamma(x)|, elementwise: Stirling's series from 8 up, fitted polynomials around 1 and 2 (full relative
 * precision at the zeros x = 1, 2) with a masked recurrence in between, and reflection with an exactly reduced
 * sin(pi x) for x < 0. Poles 0, -1, -2, ... give +Infinity. Gradient digamma(x).
 */
export const lgamma: (x: SpecialInput) => tf.Tensor = defineUnary('lgamma', lgammaRaw, (x) => digamma(x));

const polygammaOps = new Map<number, (x: tf.Tensor) => tf.Tensor>();

function polygammaOp(n: number): (x: tf.Tensor) => tf.Tensor {
  let op = polygammaOps.get(n);
  if (op === undefined) {
    op = customOp(([x], save) => {
      save([x as tf.Tensor]);
      return {
        value: polygammaRaw(n, x as tf.Tensor),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, polygamma(n + 1, savedAt(saved, 0))),
      };
    });
    polygammaOps.set(n, op);
  }
  return op;
}

/**
 * polygamma(n, x), the n-th derivative of digamma, elementwise, for an integer order 0 <= n <= 8
 * (n = 0 is digamma, n = 1 trigamma). Recurrence up to x >= 10 and the Euler-Maclaurin series there;
 * reflection through the derivatives of pi cot(pi x) for x < 0. At 0 and the negative integers:
 * +Infinity for odd n, NaN for even n. Gradient polygamma(n + 1, x) (an Error above order 8).
 */
export function polygamma(n: number, x: SpecialInput): tf.Tensor {
  if (!Number.isInteger(n) || n < 0 || n > POLYGAMMA_MAX_ORDER) {
    throw new Error(`polygamma: order n must be an integer in [0, ${POLYGAMMA_MAX_ORDER}], got ${n}`);
  }
  if (n === 0) return digamma(x);
  return tf.tidy(() => {
    const [xf] = floatArgs('polygamma', ['x'], [x]);
    return polygammaOp(n)(xf as tf.Tensor);
  });
}

/**
 * trigamma(x) = polygamma(1, x), the derivative of digamma, elementwise (x^-2 near 0, 1/x for large x).
 * Gradient polygamma(2, x).
 */
export function trigamma(x: SpecialInput): tf.Tensor {
  return polygamma(1, x);
}

// digamma(z) - log(z) + 1/(2z) + 1/(12 z^2) as a series in 1/z^2 (starting at z^-4), for z >= 10.
const DIGAMMA_TAIL_4 = [1 / 120, -1 / 252, 1 / 240, -1 / 132];

/**
 * c(u) - c(u + v) with c(z) = digamma(z) - log(z), for u >= 10 and v >= 0 (masked by the caller): the leading
 * differences are formed exactly, -v/(2u(u+v)) - v(2u+v)/(12 u^2 (u+v)^2), so nothing cancels when v << u.
 */
export function digammaMinusLogDifference(u: tf.Tensor, v: tf.Tensor): tf.Tensor {
  const w = tf.add(u, v);
  const uw = tf.mul(u, w);
  const second = tf.div(tf.mul(v, -0.5), uw);
  const third = tf.div(tf.mul(tf.mul(v, tf.add(tf.mul(u, 2), v)), -1 / 12), tf.mul(uw, uw));
  const tail = (z: tf.Tensor): tf.Tensor => {
    const r2 = tf.div(1, tf.mul(z, z));
    return tf.mul(tf.mul(r2, r2), horner(r2, DIGAMMA_TAIL_4));
  };
  return tf.add(tf.add(second, third), tf.sub(tail(u), tail(w)));
}

/**
 * digamma(u) - digamma(u + v) for u, v > 0 without the cancellation of the two digammas when v << u:
 * for u >= 10, -log1p(v/u) + [c(u) - c(u + v)] with c = digamma - log.
 */
export function digammaDifferenceRaw(u: tf.Tensor, v: tf.Tensor): tf.Tensor {
  const big = tf.greaterEqual(u, 10);
  const us = tf.where(big, u, 10);
  const vs = tf.where(big, v, 1);
  const asym = tf.add(tf.neg(log1pRaw(tf.div(vs, us))), digammaMinusLogDifference(us, vs));
  const direct = tf.sub(digammaRaw(u), digammaRaw(tf.add(u, v)));
  return tf.where(big, asym, direct);
}
