import * as tf from '@tensorflow/tfjs-core';
import { floatArgs, savedAt, type SpecialInput } from './internal/args.js';
import { customOp } from './internal/define.js';
import { log1pmx } from './internal/log1pmx.js';
import { betalnRaw } from './beta-functions.js';
import { digammaDifferenceRaw, digammaMinusLogDifference, stirlingCorrection } from './gamma-functions.js';
import { log1pRaw, logRaw } from './log-exp.js';

// Continued fraction of DLMF 8.17.22 by the modified Lentz method, after the symmetry swap that puts x below
// (a + 1) / (a + b + 2). Measured in float64: 40 (even, odd) step pairs converge to 3e-8 for min(a, b) up to
// about 1500; beyond that (both parameters large) the precision degrades gradually.
const BETA_CF_PAIRS = 40;
const TINY = 1e-30;
const CONVERGED = 1e-7;
const LARGE = 10;
const HALF_LOG_2PI = 0.9189385332046728;

interface Prefix {
  value: tf.Tensor;
  da?: tf.Tensor;
  db?: tf.Tensor;
}

/**
 * log(x^a y^b / B(a, b)) with y = 1 - x, and its a- and b-derivatives; log x and log y come from the caller,
 * computed from whichever of x, 1 - x is exact (log1p(-x) where 1 - x would round).
 * For a, b >= 10 in Stirling form, a log1pmx(e/a) + b log1pmx(-e/b) + log(ab/(a+b))/2 - log(2 pi)/2 - corrections
 * with e = x(a + b) - a, where the terms that would cancel (of size a and b) are gone.
 */
function logBetaPrefix(
  a: tf.Tensor,
  b: tf.Tensor,
  x: tf.Tensor,
  y: tf.Tensor,
  logX: tf.Tensor,
  logY: tf.Tensor,
  withDerivative: boolean,
): Prefix {
  const big = tf.logicalAnd(tf.greaterEqual(a, LARGE), tf.greaterEqual(b, LARGE));
  const aB = tf.where(big, a, LARGE);
  const bB = tf.where(big, b, LARGE);
  const xB = tf.where(big, x, 0.5);
  const yB = tf.where(big, y, 0.5);
  const s = tf.add(aB, bB);
  // log(x s / a) and log1pmx of (x s / a - 1), from log1p of the small difference or the exact ratio.
  const termFor = (c: tf.Tensor, z: tf.Tensor): { log: tf.Tensor; l1pmx: tf.Tensor } => {
    const ratio = tf.div(tf.mul(z, s), c);
    const t = tf.div(tf.sub(tf.mul(z, s), c), c);
    const near = tf.logicalAnd(tf.greaterEqual(t, -0.5), tf.lessEqual(t, 1));
    const tn = tf.where(near, t, 0);
    const logRatio = tf.where(near, log1pRaw(tn), tf.log(ratio));
    return { log: logRatio, l1pmx: tf.where(near, log1pmx(tn), tf.sub(logRatio, t)) };
  };
  const ta = termFor(aB, xB);
  const tb = termFor(bB, yB);
  const stable = tf.sub(
    tf.add(
      tf.add(tf.mul(aB, ta.l1pmx), tf.mul(bB, tb.l1pmx)),
      tf.mul(tf.sub(tf.add(tf.log(aB), tf.log(bB)), tf.log(s)), 0.5),
    ),
    tf.add(HALF_LOG_2PI, tf.sub(tf.add(stirlingCorrection(aB), stirlingCorrection(bB)), stirlingCorrection(s))),
  );
  const direct = tf.sub(tf.add(tf.mul(a, logX), tf.mul(b, logY)), betalnRaw(a, b));
  const value = tf.where(big, stable, direct);
  if (!withDerivative) return { value };
  // d/da = log x - digamma(a) + digamma(a + b) = log(x s / a) - [c(a) - c(s)], c = digamma - log.
  const daStable = tf.sub(ta.log, digammaMinusLogDifference(aB, bB));
  const dbStable = tf.sub(tb.log, digammaMinusLogDifference(bB, aB));
  const daDirect = tf.sub(logX, digammaDifferenceRaw(a, b));
  const dbDirect = tf.sub(logY, digammaDifferenceRaw(b, a));
  return { value, da: tf.where(big, daStable, daDirect), db: tf.where(big, dbStable, dbDirect) };
}

const guardTiny = (v: tf.Tensor): tf.Tensor => tf.where(tf.less(tf.abs(v), TINY), TINY, v);

interface Dual {
  v: tf.Tensor;
  a: tf.Tensor;
  b: tf.Tensor;
}

/** The continued fraction h (I = prefix h / a) with forward-mode tangents in a and b. */
function betaContinuedFraction(a: tf.Tensor, b: tf.Tensor, x: tf.Tensor, withDerivative: boolean): Dual | { v: tf.Tensor } {
  const apb = tf.add(a, b);
  const ap1 = tf.add(a, 1);
  const g = guardTiny(tf.sub(ap1, tf.mul(apb, x)));
  let d = tf.div(ap1, g);
  let c: tf.Tensor = tf.onesLike(x);
  let h = d;
  const g2 = tf.mul(g, g);
  let dD = { a: tf.div(tf.mul(x, tf.sub(1, b)), g2), b: tf.div(tf.mul(ap1, x), g2) };
  let dC = { a: tf.zerosLike(x), b: tf.zerosLike(x) };
  let dH = { a: dD.a, b: dD.b };
  // Once a step changes h by less than CONVERGED it is frozen: further float32 multiplications by factors that
  // only round to 1 would make the product drift (by up to 1e-6 over 80 steps).
  let done: tf.Tensor = tf.zerosLike(x).cast('bool');
  const step = (alpha: tf.Tensor, dAlpha: { a: tf.Tensor; b: tf.Tensor }): void => {
    const cn = guardTiny(tf.add(1, tf.div(alpha, c)));
    const dn = tf.div(1, guardTiny(tf.add(1, tf.mul(alpha, d))));
    if (withDerivative) {
      const c2 = tf.mul(c, c);
      const dn2 = tf.mul(dn, dn);
      const tangent = (k: 'a' | 'b'): { c: tf.Tensor; d: tf.Tensor; h: tf.Tensor } => {
        const dcn = tf.div(tf.sub(tf.mul(dAlpha[k], c), tf.mul(alpha, dC[k])), c2);
        const ddn = tf.neg(tf.mul(dn2, tf.add(tf.mul(dAlpha[k], d), tf.mul(alpha, dD[k]))));
        const dh = tf.add(tf.mul(tf.mul(dH[k], cn), dn), tf.mul(h, tf.add(tf.mul(dcn, dn), tf.mul(cn, ddn))));
        return { c: dcn, d: ddn, h: dh };
      };
      const ta = tangent('a');
      const tb = tangent('b');
      dC = { a: ta.c, b: tb.c };
      dD = { a: ta.d, b: tb.d };
      dH = { a: ta.h, b: tb.h };
    }
    const delta = tf.mul(cn, dn);
    h = tf.where(done, h, tf.mul(h, delta));
    done = tf.logicalOr(done, tf.less(tf.abs(tf.sub(delta, 1)), CONVERGED));
    c = cn;
    d = dn;
  };
  for (let m = 1; m <= BETA_CF_PAIRS; m++) {
    // d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m))
    const a2m = tf.add(a, 2 * m);
    const denEven = tf.mul(tf.sub(a2m, 1), a2m);
    const dbEven = tf.div(tf.mul(x, m), denEven);
    const even = tf.mul(dbEven, tf.sub(b, m));
    step(even, { a: tf.div(tf.mul(tf.neg(even), tf.sub(tf.mul(a2m, 2), 1)), denEven), b: dbEven });
    // d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))
    const am = tf.add(a, m);
    const denOdd = tf.mul(a2m, tf.add(a2m, 1));
    const dbOdd = tf.div(tf.neg(tf.mul(am, x)), denOdd);
    const odd = tf.mul(dbOdd, tf.add(am, b));
    const daOdd = tf.sub(
      tf.div(tf.mul(tf.neg(odd), tf.add(tf.mul(a2m, 2), 1)), denOdd),
      tf.div(tf.mul(x, tf.add(tf.mul(am, 2), b)), denOdd),
    );
    step(odd, { a: daOdd, b: dbOdd });
  }
  return withDerivative ? { v: h, a: dH.a, b: dH.b } : { v: h };
}

interface BetaParts {
  value: tf.Tensor;
  da?: tf.Tensor;
  db?: tf.Tensor;
  dx?: tf.Tensor;
}

/** I_x(a, b) and optionally its three partial derivatives, for float32 tensors of one shape. */
export function betaincParts(a: tf.Tensor, b: tf.Tensor, x: tf.Tensor, withDerivative: boolean): BetaParts {
  const valid = tf.logicalAnd(
    tf.logicalAnd(tf.greater(a, 0), tf.greater(b, 0)),
    tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, 1)),
  );
  const interior = tf.logicalAnd(valid, tf.logicalAnd(tf.greater(x, 0), tf.less(x, 1)));
  const aS = tf.where(interior, a, 1);
  const bS = tf.where(interior, b, 1);
  const xS = tf.where(interior, x, 0.5);
  // I_x(a, b) = 1 - I_{1-x}(b, a) keeps the continued fraction on its fast side.
  const swap = tf.greater(xS, tf.div(tf.add(aS, 1), tf.add(tf.add(aS, bS), 2)));
  const a1 = tf.where(swap, bS, aS);
  const b1 = tf.where(swap, aS, bS);
  const oneMinusX = tf.sub(1, xS);
  const x1 = tf.where(swap, oneMinusX, xS);
  const y1 = tf.where(swap, xS, oneMinusX);
  const logX = logRaw(xS);
  const log1mX = log1pRaw(tf.neg(xS));
  const logX1 = tf.where(swap, log1mX, logX);
  const logY1 = tf.where(swap, logX, log1mX);
  const prefix = logBetaPrefix(a1, b1, x1, y1, logX1, logY1, withDerivative);
  const cf = betaContinuedFraction(a1, b1, x1, withDerivative);
  const scale = tf.div(tf.exp(prefix.value), a1);
  const i1 = tf.mul(scale, cf.v);
  // Swapped with x < 1/2, the fraction ran at x' = 1 - fl(1 - x), not at x; lo = x' - x is exact, and
  // I(x) = I(x') - density(x) lo to first order (without it, near a steep x' the rounding of 1 - x shows).
  const lo = tf.where(swap, tf.sub(tf.sub(1, x1), xS), 0);
  const density = tf.exp(tf.sub(prefix.value, tf.add(logX, log1mX)));
  const atZero = tf.equal(x, 0);
  const swappedValue = tf.sub(tf.sub(1, i1), tf.mul(density, lo));
  const value = tf.where(valid, tf.where(interior, tf.where(swap, swappedValue, i1), tf.where(atZero, 0, 1)), NaN);
  if (!withDerivative) return { value };
  const dual = cf as Dual;
  const dA1 = tf.mul(scale, tf.add(dual.a, tf.mul(cf.v, tf.sub(prefix.da as tf.Tensor, tf.div(1, a1)))));
  const dB1 = tf.mul(scale, tf.add(dual.b, tf.mul(cf.v, prefix.db as tf.Tensor)));
  // the same first-order shift for the a- and b-derivatives: d density / da = density (log x - digamma(a) + digamma(a + b))
  const dDensityDa = tf.mul(density, tf.sub(logX, digammaDifferenceRaw(aS, bS)));
  const dDensityDb = tf.mul(density, tf.sub(log1mX, digammaDifferenceRaw(bS, aS)));
  const inside = (t: tf.Tensor): tf.Tensor => tf.where(valid, tf.where(interior, t, 0), NaN);
  const da = inside(tf.where(swap, tf.neg(tf.add(dB1, tf.mul(dDensityDa, lo))), dA1));
  const db = inside(tf.where(swap, tf.neg(tf.add(dA1, tf.mul(dDensityDb, lo))), dB1));
  // dI/dx = x^(a-1) (1-x)^(b-1) / B(a, b); the prefix is symmetric under the swap.
  const edge = (p: tf.Tensor, q: tf.Tensor): tf.Tensor => tf.where(tf.less(p, 1), Infinity, tf.where(tf.equal(p, 1), q, 0));
  const dx = tf.where(valid, tf.where(interior, density, tf.where(atZero, edge(a, b), edge(b, a))), NaN);
  return { value, da, db, dx };
}

const betaincOp = customOp(([a, b, x], save) => {
  save([a as tf.Tensor, b as tf.Tensor, x as tf.Tensor]);
  return {
    value: betaincParts(a as tf.Tensor, b as tf.Tensor, x as tf.Tensor, false).value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const parts = betaincParts(savedAt(saved, 0), savedAt(saved, 1), savedAt(saved, 2), true);
      return [tf.mul(dy, parts.da as tf.Tensor), tf.mul(dy, parts.db as tf.Tensor), tf.mul(dy, parts.dx as tf.Tensor)];
    },
  };
});

/**
 * The regularised incomplete beta function I_x(a, b) (the Beta(a, b) CDF at x), elementwise with
 * broadcasting, for a, b > 0 and 0 <= x <= 1 (NaN otherwise). Continued fraction with a fixed number of
 * steps after the symmetry swap, and a prefactor x^a (1-x)^b / B(a, b) formed without cancellation for large
 * a and b. Accurate to about 1e-6 relative in float32 while min(a, b) <= ~1500 (x-conditioning aside).
 * Gradients: in x the Beta density; in a and b by forward-mode differentiation of the continued fraction
 * (what implicit reparameterisation of Beta samples needs).
 */
export function betainc(a: SpecialInput, b: SpecialInput, x: SpecialInput): tf.Tensor {
  return tf.tidy(() => {
    const [af, bf, xf] = floatArgs('betainc', ['a', 'b', 'x'], [a, b, x]) as [tf.Tensor, tf.Tensor, tf.Tensor];
    return betaincOp(af, bf, xf);
  });
}
