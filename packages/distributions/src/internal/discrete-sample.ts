import * as tf from '@tensorflow/tfjs-core';
import { betaln, logSigmoid, random, sigmoid, split, type PRNGKey } from '@probdl/tensor-backend';

/** Below this mean n·min(p, 1 - p) the binomial sampler inverts the cdf; from it on, BTRS. */
const SMALL_MEAN = 10;
/** Inversion terms: with mean < 10, P(X > 47) < 1e-15 (binomial tails are lighter than Poisson's). */
const INVERSION_TERMS = 48;
/** BTRS rounds: its acceptance rate is above 0.8 for means >= 10, so all reject with probability < 1e-16. */
const BTRS_ROUNDS = 24;

/** log C(n, k) + k log p + (n - k) log q for k in [0, n] (betaln keeps large n accurate). */
export function binomialLogPmf(k: tf.Tensor, n: tf.Tensor, logP: tf.Tensor, logQ: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const lchoose = tf.neg(tf.add(tf.log(tf.add(n, 1)), betaln(tf.add(k, 1), tf.add(tf.sub(n, k), 1))));
    const nk = tf.sub(n, k);
    // 0·log 0 = 0 where p or q is 0.
    const a = tf.where(tf.equal(k, 0), tf.zerosLike(k), tf.mul(k, logP));
    const b = tf.where(tf.equal(nk, 0), tf.zerosLike(nk), tf.mul(nk, logQ));
    return tf.add(lchoose, tf.add(a, b));
  });
}

/**
 * Inversion for n p < 10 (p <= ½): the number of k < n with U > F(k), over k = 0..47. The pmf comes from
 * the recurrence log f(k + 1) = log f(k) + log((n - k) / (k + 1)) + log(p / q) (a cumulative sum; no
 * special functions), starting from log f(0) = n log q.
 */
function inversion(key: PRNGKey, n: tf.Tensor, logP: tf.Tensor, logQ: tf.Tensor, shape: number[]): tf.Tensor {
  return tf.tidy(() => {
    const u = random.uniform(key, shape);
    const rows = [INVERSION_TERMS, ...shape.map(() => 1)];
    const kk = tf.reshape(tf.range(0, INVERSION_TERMS, 1, 'float32'), rows);
    const nb = tf.expandDims(n, 0);
    const valid = tf.less(kk, nb);
    // step j (for j = 0..46) takes log f(j) to log f(j + 1); where j >= n the pmf is zero anyway (masked below).
    const step = tf.where(valid, tf.add(tf.sub(tf.log(tf.maximum(tf.sub(nb, kk), 1)), tf.log(tf.add(kk, 1))), tf.expandDims(tf.sub(logP, logQ), 0)), tf.zerosLike(kk));
    const shifted = tf.concat([tf.zerosLike(tf.slice(step, 0, 1)), tf.slice(step, 0, INVERSION_TERMS - 1)], 0);
    const logPmf = tf.add(tf.expandDims(tf.mul(n, logQ), 0), tf.cumsum(shifted, 0));
    const pmf = tf.where(tf.lessEqual(kk, nb), tf.exp(logPmf), tf.zerosLike(logPmf));
    const cdf = tf.cumsum(pmf, 0);
    const counts = tf.logicalAnd(tf.greater(tf.expandDims(u, 0), cdf), valid);
    return tf.sum(tf.where(counts, tf.onesLike(cdf), tf.zerosLike(cdf)), 0);
  });
}

/** log k! - [(k + ½) log(k + 1) - (k + 1) + ½ log 2π] for k = 0..9 (float64, rounded once). */
const STIRLING_TAIL = [
  0.08106146679532733, 0.04134069595540946, 0.027677925684997717, 0.02079067210376584, 0.01664469118982126, 0.013876128823072875,
  0.011896709945893313, 0.010411265261973668, 0.00925546218270945, 0.008330563433359472,
];

/** The Stirling remainder log k! - [(k + ½) log(k + 1) - (k + 1) + ½ log 2π]: a table below 10, the series above. */
function stirlingTail(k: tf.Tensor): tf.Tensor {
  const small = tf.less(k, 10);
  const table = tf.gather(tf.tensor1d(STIRLING_TAIL), tf.cast(tf.clipByValue(k, 0, 9), 'int32'));
  const kp1 = tf.add(k, 1);
  const kp1sq = tf.square(kp1);
  const series = tf.div(tf.sub(1 / 12, tf.div(tf.sub(1 / 360, tf.div(1 / 1260, kp1sq)), kp1sq)), kp1);
  return tf.where(small, table, series);
}

/**
 * Hörmann's BTRS (transformed rejection with squeeze) for n p >= 10 (p <= ½) with {@link BTRS_ROUNDS}
 * vectorised rounds; the acceptance bound is log f(k) - log f(m) (m the mode) written with Stirling
 * remainders as in Hörmann (1993). Fallback (all rounds rejected, probability < 1e-16): round(n p).
 */
function btrs(key: PRNGKey, n: tf.Tensor, p: tf.Tensor, logP: tf.Tensor, logQ: tf.Tensor, shape: number[]): tf.Tensor {
  return tf.tidy(() => {
    const [k1, k2] = split(key, 2) as [PRNGKey, PRNGKey];
    const rows = [BTRS_ROUNDS, ...shape];
    const u = tf.sub(random.uniform(k1, rows), 0.5);
    const v = random.uniform(k2, rows, { minval: 2 ** -126, maxval: 1 });
    const q = tf.sub(1, p);
    const spq = tf.sqrt(tf.mul(n, tf.mul(p, q)));
    const b = tf.add(1.15, tf.mul(2.53, spq));
    const a = tf.add(tf.add(-0.0873, tf.mul(0.0248, b)), tf.mul(0.01, p));
    const c = tf.add(tf.mul(n, p), 0.5);
    const vr = tf.sub(0.92, tf.div(4.2, b));
    const alpha = tf.mul(tf.add(2.83, tf.div(5.1, b)), spq);
    const logR = tf.sub(logP, logQ);
    const m = tf.floor(tf.mul(tf.add(n, 1), p));
    const us = tf.sub(0.5, tf.abs(u));
    const k = tf.floor(tf.add(tf.mul(tf.add(tf.div(tf.mul(a, 2), us), b), u), c));
    const quick = tf.logicalAnd(tf.greaterEqual(us, 0.07), tf.lessEqual(v, vr));
    const inRange = tf.logicalAnd(tf.greaterEqual(k, 0), tf.lessEqual(k, n));
    const ks = tf.where(inRange, k, tf.broadcastTo(m, rows));
    const lhs = tf.sub(tf.log(tf.mul(v, alpha)), tf.log(tf.add(tf.div(a, tf.square(us)), b)));
    const nm1 = tf.add(tf.sub(n, m), 1);
    const nk1 = tf.add(tf.sub(n, ks), 1);
    const atMode = tf.add(
      tf.add(tf.mul(tf.add(m, 0.5), tf.sub(tf.log(tf.div(tf.add(m, 1), nm1)), logR)), stirlingTail(m)),
      stirlingTail(tf.sub(n, m)),
    );
    const atK = tf.sub(
      tf.add(tf.mul(tf.add(n, 1), tf.log(tf.div(nm1, nk1))), tf.mul(tf.add(ks, 0.5), tf.add(logR, tf.log(tf.div(nk1, tf.add(ks, 1)))))),
      tf.add(stirlingTail(ks), stirlingTail(tf.sub(n, ks))),
    );
    const rhs = tf.add(atMode, atK);
    const accept = tf.logicalAnd(inRange, tf.logicalOr(quick, tf.lessEqual(lhs, rhs)));
    const iota = tf.reshape(tf.range(0, BTRS_ROUNDS, 1, 'float32'), [BTRS_ROUNDS, ...shape.map(() => 1)]);
    const first = tf.min(tf.where(accept, tf.broadcastTo(iota, rows), tf.fill(rows, BTRS_ROUNDS)), 0);
    const chosen = tf.sum(tf.where(tf.equal(iota, first), k, tf.zerosLike(k)), 0);
    return tf.where(tf.less(first, BTRS_ROUNDS), chosen, tf.round(tf.mul(n, p)));
  });
}

/**
 * Binomial(n, sigmoid(logits)) counts as float32, shape `shape` (n and logits broadcast to it):
 * sampled with p' = min(p, 1 - p) and flipped (n - X) where p > ½; inversion for n p' < 10, BTRS otherwise.
 * Computed on the device, no readback; both branches run on harmless parameters where the other applies.
 */
export function sampleBinomial(key: PRNGKey, totalCount: tf.Tensor, logits: tf.Tensor, shape: number[]): tf.Tensor {
  const [kSmall, kLarge] = split(key, 2) as [PRNGKey, PRNGKey];
  return tf.tidy(() => {
    const n = tf.broadcastTo(totalCount, shape);
    const l = tf.broadcastTo(logits, shape);
    const flip = tf.greater(l, 0);
    const al = tf.abs(l);
    const p = sigmoid(tf.neg(al));
    const logP = logSigmoid(tf.neg(al));
    const logQ = logSigmoid(al);
    const small = tf.less(tf.mul(n, p), SMALL_MEAN);
    // Harmless stand-ins: the inversion branch sees n p < 10 everywhere, BTRS sees n = 40, p = ½ where it does not apply.
    const nS = tf.where(small, n, tf.zerosLike(n));
    const fromSmall = inversion(kSmall, nS, logP, logQ, shape);
    const nL = tf.where(small, tf.fill(shape, 40), n);
    const pL = tf.where(small, tf.fill(shape, 0.5), p);
    const logPL = tf.where(small, tf.fill(shape, -Math.LN2), logP);
    const logQL = tf.where(small, tf.fill(shape, -Math.LN2), logQ);
    const fromLarge = btrs(kLarge, nL, pL, logPL, logQL, shape);
    const x = tf.where(small, fromSmall, fromLarge);
    return tf.where(flip, tf.sub(n, x), x);
  });
}
