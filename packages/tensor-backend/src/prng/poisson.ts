import * as tf from '@tensorflow/tfjs-core';
import { log1p } from '../special/log-exp.js';
import { drawOpenUnitFloats } from './host-draws.js';
import { assertKey, split, type PRNGKey } from './key.js';
import { isTensor, requireValues, shapeOf, toFloatTensor, toHostParam, type ParamLike } from './params.js';
import { firstAccepted, roundsPerBlock } from './rounds.js';
import { sampleShape } from './shape.js';

/** Rates below this use inversion, the others Hörmann's PTRS (valid for rates >= 10). */
const SMALL_RATE = 10;
/**
 * Terms of the inversion: for rate < 10 the pmf beyond 48 is below 1e-15, and counting stops anyway
 * once the next term is below {@link NEGLIGIBLE} past the mode (float32 sums stagnate there).
 */
const INVERSION_TERMS = 48;
const NEGLIGIBLE = 1e-12;
/**
 * PTRS rounds per element: its worst rejection rate (rate 10) is 0.248, so all 26 rounds reject
 * with probability below 0.248^26 ≈ 1.8e-16 (0.12^26 ≈ 1e-24 at rate 1000).
 */
export const POISSON_ROUNDS = 26;
/** Largest accepted number rate (the result is int32). */
const MAX_RATE = 1e9;

const LOG_FACTORIALS = Array.from({ length: INVERSION_TERMS + 1 }, (_, k) => {
  let s = 0;
  for (let j = 2; j <= k; j++) s += Math.log(j);
  return s;
});
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Coefficients of h(t) = (1 + t) log1p(t) - t = sum_{n>=2} (-1)^n t^n / (n (n - 1)), n = 2..13. */
const H_SERIES = Array.from({ length: 12 }, (_, i) => ((i % 2 === 0 ? 1 : -1) / ((i + 2) * (i + 1))));

/**
 * log P(X = k) of a Poisson(lam) for integer-valued float32 k >= 0 (lam >= 10): exact log k! from a
 * table for k < 10, else Stirling's series written as -lam h((k + 1 - lam) / lam) + ..., which has no
 * large cancelling terms (plain -lam + k log lam - lgamma(k + 1) loses all digits for lam ~ 1e6).
 */
function logPoissonPmf(kf: tf.Tensor, lam: tf.Tensor): tf.Tensor {
  const small = tf.less(kf, 10);
  const kTable = tf.cast(tf.clipByValue(kf, 0, 9), 'int32');
  const fromTable = tf.sub(tf.sub(tf.mul(kf, tf.log(lam)), lam), tf.gather(tf.tensor1d(LOG_FACTORIALS.slice(0, 10)), kTable));
  const x = tf.add(tf.maximum(kf, 10), 1);
  const t = tf.div(tf.sub(x, lam), lam);
  let series: tf.Tensor = tf.scalar(H_SERIES[H_SERIES.length - 1]!);
  for (let i = H_SERIES.length - 2; i >= 0; i--) series = tf.add(tf.mul(series, t), H_SERIES[i]!);
  const l1p = log1p(t);
  const direct = tf.sub(tf.mul(tf.add(t, 1), l1p), t);
  const h = tf.where(tf.less(tf.abs(t), 0.25), tf.mul(tf.square(t), series), direct);
  const xInv = tf.reciprocal(x);
  const xInv2 = tf.square(xInv);
  // Stirling correction 1/(12x) - 1/(360x^3) + 1/(1260x^5).
  const corr = tf.mul(xInv, tf.add(1 / 12, tf.mul(xInv2, tf.add(-1 / 360, tf.mul(xInv2, 1 / 1260)))));
  const stirling = tf.sub(tf.sub(tf.sub(tf.add(tf.neg(tf.mul(lam, h)), l1p), tf.mul(tf.log(x), 0.5)), HALF_LOG_2PI), corr);
  return tf.where(small, fromTable, stirling);
}

/** Inversion for rates in [0, 10): the number of k with U > F(k), stopping where the pmf is negligible. */
function inversionCount(k: PRNGKey, lam: tf.Tensor, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const u = tf.tensor(drawOpenUnitFloats(k, size), shape, 'float32');
  const logLam = tf.log(lam);
  const per = roundsPerBlock(INVERSION_TERMS, size);
  let count = tf.zeros(shape);
  let carry = tf.zeros(shape);
  for (let k0 = 0; k0 < INVERSION_TERMS; k0 += per) {
    const k1 = Math.min(INVERSION_TERMS, k0 + per);
    const [nextCount, nextCarry] = tf.tidy(() => {
      const rows = [k1 - k0, ...shape.map(() => 1)];
      const kk = tf.reshape(tf.range(k0, k1, 1, 'float32'), rows);
      const logFact = tf.reshape(tf.tensor1d(LOG_FACTORIALS.slice(k0, k1)), rows);
      const logFactNext = tf.reshape(tf.tensor1d(LOG_FACTORIALS.slice(k0 + 1, k1 + 1)), rows);
      const pmf = tf.exp(tf.sub(tf.sub(tf.mul(kk, logLam), lam), logFact));
      const pmfNext = tf.exp(tf.sub(tf.sub(tf.mul(tf.add(kk, 1), logLam), lam), logFactNext));
      const cdf = tf.add(tf.cumsum(pmf, 0), carry);
      // X > k iff U > F(k); counted only while P(X = k + 1) is not negligible (a prefix, as the pmf is
      // at least e^-10 below the mode), so a float32 F that stagnates just below U cannot run on.
      const counts = tf.logicalAnd(tf.greater(u, cdf), tf.greaterEqual(pmfNext, NEGLIGIBLE));
      const last = tf.squeeze(tf.slice(cdf, [k1 - k0 - 1, ...shape.map(() => 0)], [1, ...shape]), [0]);
      // where() rather than cast(): tfjs-webgpu 4.22 miscompiles the transpose of a bool->float32 cast
      // of rank 3 (the reduction over axis 0 transposes first).
      const ones = tf.where(counts, tf.onesLike(cdf), tf.zerosLike(cdf));
      return [tf.add(count, tf.sum(ones, 0)), last];
    });
    count.dispose();
    carry.dispose();
    count = nextCount;
    carry = nextCarry;
  }
  carry.dispose();
  return count;
}

/** Hörmann's PTRS for rates >= 10 with {@link POISSON_ROUNDS} rounds; fallback round(lam). */
function ptrs(k: PRNGKey, lam: tf.Tensor, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const [k1, k2] = split(k, 2) as [PRNGKey, PRNGKey];
  const us1 = drawOpenUnitFloats(k1, POISSON_ROUNDS * size);
  const us2 = drawOpenUnitFloats(k2, POISSON_ROUNDS * size);
  const slam = tf.sqrt(lam);
  const b = tf.add(tf.mul(slam, 2.53), 0.931);
  const a = tf.add(tf.mul(b, 0.02483), -0.059);
  const logInvAlpha = tf.log(tf.add(tf.div(1.1328, tf.sub(b, 3.4)), 1.1239));
  const vr = tf.sub(0.9277, tf.div(3.6224, tf.sub(b, 2)));
  const fallback = tf.floor(tf.add(lam, 0.5));
  return firstAccepted(POISSON_ROUNDS, shape, fallback, (r0, r1) => {
    const rows = [r1 - r0, ...shape];
    const U = tf.sub(tf.tensor(us1.subarray(r0 * size, r1 * size), rows, 'float32'), 0.5);
    const V = tf.tensor(us2.subarray(r0 * size, r1 * size), rows, 'float32');
    const us = tf.sub(0.5, tf.abs(U));
    const kf = tf.floor(tf.add(tf.add(tf.mul(tf.add(tf.div(tf.mul(a, 2), us), b), U), lam), 0.43));
    const quick = tf.logicalAnd(tf.greaterEqual(us, 0.07), tf.lessEqual(V, vr));
    const reject = tf.logicalOr(tf.less(kf, 0), tf.logicalAnd(tf.less(us, 0.013), tf.greater(V, us)));
    const lhs = tf.sub(tf.add(tf.log(V), logInvAlpha), tf.log(tf.add(tf.div(a, tf.square(us)), b)));
    const full = tf.logicalAnd(tf.logicalNot(reject), tf.lessEqual(lhs, logPoissonPmf(tf.maximum(kf, 0), lam)));
    return { accept: tf.logicalOr(quick, full), value: kf };
  });
}

/**
 * Poisson(rate) samples as an int32 tensor, like `jax.random.poisson` in distribution (not JAX's stream):
 * inversion for rates below 10 (48 terms at most) and Hörmann's transformed rejection (PTRS) for larger
 * rates, with 26 vectorised rounds (all rejecting has probability < 2e-16; the sample is then
 * round(rate)). `rate` (number, array or tensor) broadcasts to `shape` (default: its shape). Numbers
 * must be in [0, 1e9]; tensor entries that are negative, NaN or infinite give -1 (int32 has no NaN).
 * Rates above ~1e7 are resolved at float32 precision. Computed on the device, no readback.
 */
export function poisson(k: PRNGKey, rate: ParamLike, shape?: readonly number[]): tf.Tensor {
  assertKey('poisson', k);
  let p: ParamLike | ReturnType<typeof toHostParam> = rate;
  // With host rates, skip an algorithm that no element needs (tensor rates may need both).
  let needSmall = true;
  let needLarge = true;
  if (!isTensor(rate)) {
    const h = toHostParam('poisson', 'rate', rate);
    requireValues('poisson', 'rate', h, (v) => v >= 0 && v <= MAX_RATE, `in [0, ${MAX_RATE}]`);
    p = h;
    needSmall = h.values.some((v) => v > 0 && v < SMALL_RATE);
    needLarge = h.values.some((v) => v >= SMALL_RATE);
  }
  const s = sampleShape('poisson', shape, { rate: shapeOf('poisson', 'rate', rate) });
  const [kSmall, kLarge] = split(k, 2) as [PRNGKey, PRNGKey];
  return tf.tidy(() => {
    const lam = tf.broadcastTo(toFloatTensor(p), s);
    const valid = tf.logicalAnd(tf.greaterEqual(lam, 0), tf.isFinite(lam));
    const small = tf.less(lam, SMALL_RATE);
    // Each branch sees a harmless rate where the other branch (or an invalid rate) applies.
    const lamSmall = tf.where(tf.logicalAnd(small, tf.greater(lam, 0)), lam, tf.onesLike(lam));
    const lamLarge = tf.where(tf.logicalAnd(valid, tf.logicalNot(small)), lam, tf.fill(s, SMALL_RATE));
    const fromSmall = needSmall ? inversionCount(kSmall, lamSmall, s) : tf.zeros(s);
    const fromLarge = needLarge ? ptrs(kLarge, lamLarge, s) : tf.zeros(s);
    const x = tf.where(small, fromSmall, fromLarge);
    const out = tf.where(valid, tf.where(tf.equal(lam, 0), tf.zerosLike(x), x), tf.fill(s, -1));
    return tf.cast(out, 'int32');
  });
}
