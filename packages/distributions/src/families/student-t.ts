import * as tf from '@tensorflow/tfjs-core';
import { betainc, betaln, digamma, log1p, logNdtr, ndtr, ndtri, random, split, type PRNGKey } from '@probdl/tensor-backend';
import { real } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { sampleGamma } from '../internal/gamma-sample.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isFinite, isPositive } from '../internal/validation.js';

/** Above this |t| / sqrt(df), log1p(t² / df) is 2 log(|t| / sqrt(df)) in float32 (and t² may overflow). */
const BIG_W = 1e8;
/** From this df / 2 on, ψ(df/2 + ½) - ψ(df/2) uses its asymptotic series (relative error < 2e-9). */
const SERIES_FROM = 10;

/** From this df on, the cdf uses Hill's normal approximation instead of the incomplete beta function. */
const HILL_FROM = 100;

/** Newton steps of `icdf`. */
const ICDF_STEPS = 8;

/** Parameters of {@link StudentT}. */
export interface StudentTParams extends DistributionOptions {
  /** Degrees of freedom, > 0. */
  readonly df: TensorInput;
  /** Location. */
  readonly loc: TensorInput;
  /** Scale, > 0. */
  readonly scale: TensorInput;
}

/**
 * Student's t distribution with `df` degrees of freedom, location `loc` and scale `scale`.
 * log density -½ log df - log B(df/2, ½) - log scale - (df + 1)/2 log1p(t²/df) (betaln keeps
 * df = 1e6 accurate); cdf from the regularised incomplete beta function
 * (Hill's normal approximation from df = 100 on, where float32 betainc loses digits). Samples are
 * reparameterised: loc + scale·z / sqrt(χ²/df) with χ² = 2 Gamma(df/2) (implicit gradient).
 * `mean()` is NaN for df <= 1; `variance()` is +Infinity for 1 < df <= 2 and NaN for df <= 1
 * (TFP's allow_nan_stats=True). `icdf` runs a fixed number of Newton steps on the cdf.
 */
export class StudentT extends Distribution {
  readonly name: string = 'StudentT';
  readonly df: tf.Tensor;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;

  constructor(params: StudentTParams) {
    super(params);
    this.df = this.param('df', params.df, isPositive);
    this.loc = this.param('loc', params.loc, isFinite);
    this.scale = this.param('scale', params.scale, isPositive);
    this.batchShape = broadcastShapes(this.name, { df: this.df.shape, loc: this.loc.shape, scale: this.scale.shape });
  }

  get support(): Constraint {
    return real;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    const [kz, kg] = split(key, 2) as [PRNGKey, PRNGKey];
    return tf.tidy(() => {
      const z = random.normal(kz, shape);
      const g = sampleGamma(kg, tf.broadcastTo(tf.mul(this.df, 0.5), shape), shape);
      // chi2 / df = 2 g / df
      const denom = tf.sqrt(tf.div(tf.mul(g, 2), this.df));
      return tf.add(this.loc, tf.mul(this.scale, tf.div(z, denom)));
    });
  }

  private t(x: TensorInput): tf.Tensor {
    return tf.div(tf.sub(this.value(x), this.loc), this.scale);
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const w = tf.div(this.t(x), tf.sqrt(this.df));
      const aw = tf.abs(w);
      const big = tf.greater(aw, BIG_W);
      const ws = tf.where(big, tf.zerosLike(w), w);
      const l1p = tf.where(big, tf.mul(2, tf.log(aw)), log1p(tf.square(ws)));
      const norm = tf.add(tf.add(tf.mul(0.5, tf.log(this.df)), betaln(tf.mul(this.df, 0.5), 0.5)), tf.log(this.scale));
      return tf.neg(tf.add(tf.mul(tf.mul(tf.add(this.df, 1), 0.5), l1p), norm));
    });
  }

  /**
   * The standard-t lower and upper tail probabilities and their logs at t = (x - loc) / scale:
   * for df < {@link HILL_FROM}, ½ I_{df/(df+t²)}(df/2, ½) (the smaller of the two incomplete beta
   * values, so neither tail cancels); for larger df, whose betainc loses digits to the rounding of
   * df/(df+t²) near 1, Hill's normal approximation (CACM algorithm 395, relative error < 2e-8 there).
   */
  private tails(x: TensorInput, upper: boolean, log: boolean): tf.Tensor {
    const t0 = this.t(x);
    const t = upper ? tf.neg(t0) : t0;
    const large = tf.greaterEqual(this.df, HILL_FROM);
    // Each branch sees a harmless df where the other applies (no NaN in either branch's gradient).
    const dfB = tf.where(large, tf.onesLike(this.df), this.df);
    const dfH = tf.where(large, this.df, tf.fill(this.df.shape, HILL_FROM));
    // Incomplete beta branch; near t = 0 (t² < 1e-12 df) the cdf is ½ + t f(0) to float32 precision, which
    // also keeps the gradient finite there (d I_y(½, a) / dy is infinite at y = 0).
    const nearZero = tf.less(tf.square(t), tf.mul(dfB, 1e-12));
    const tb = tf.where(nearZero, tf.onesLike(t), t);
    const t2 = tf.square(tb);
    const sum = tf.add(dfB, t2);
    const halfDf = tf.mul(dfB, 0.5);
    const direct = betainc(halfDf, 0.5, tf.div(dfB, sum));
    const complement = betainc(0.5, halfDf, tf.div(t2, sum));
    const useDirect = tf.less(direct, complement);
    const tail = tf.mul(0.5, tf.where(useDirect, direct, tf.sub(1, complement)));
    const negative = tf.less(tb, 0);
    const density0 = tf.exp(tf.neg(tf.add(tf.mul(0.5, tf.log(dfB)), betaln(halfDf, 0.5))));
    const linear = tf.add(0.5, tf.mul(t, density0));
    const viaBeta = tf.where(nearZero, linear, tf.where(negative, tail, tf.sub(1, tail)));
    // Hill's approximation: cdf = Φ(z), z = t sqrt(a r(w) / df) (1 + (y + 3 + p(y)) / b), w = t²/df, y = a log1p(w).
    const a = tf.sub(dfH, 0.5);
    const b = tf.mul(48, tf.square(a));
    const w = tf.minimum(tf.div(tf.square(t), dfH), 1e30);
    const tinyW = tf.less(w, 1e-4);
    const wl = tf.where(tinyW, tf.onesLike(w), w);
    const r = tf.where(tinyW, tf.add(1, tf.mul(w, tf.add(-0.5, tf.mul(w, 1 / 3)))), tf.div(log1p(wl), wl));
    const y = tf.mul(a, tf.mul(w, r));
    const num = tf.sub(tf.mul(tf.sub(tf.mul(tf.sub(tf.mul(-0.4, y), 3.3), y), 24), y), 85.5);
    const frac = tf.div(num, tf.add(tf.add(tf.mul(0.8, tf.square(y)), 100), b));
    const corr = tf.add(tf.div(tf.add(tf.add(frac, y), 3), b), 1);
    const z = tf.mul(tf.mul(t, tf.sqrt(tf.div(tf.mul(a, r), dfH))), corr);
    if (log) {
      const logViaBeta = tf.where(nearZero, tf.log(linear), tf.where(negative, tf.log(tail), log1p(tf.neg(tail))));
      return tf.where(large, logNdtr(z), logViaBeta);
    }
    return tf.where(large, ndtr(z), viaBeta);
  }

  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.tails(x, false, false));
  }
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.tails(x, false, true));
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.tails(x, true, false));
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.tails(x, true, true));
  }
  /**
   * The quantile by Newton's method on the cdf (no inverse incomplete beta on the device): with
   * q = min(p, 1 - p), in the tails (q < 0.1) on log cdf(-e^s) over s = log|t| (nearly linear there;
   * concave, so after at most one overshoot the iterates converge monotonically), from the larger of the
   * Cornish-Fisher and (for df < 30) the power-tail guesses; in the centre on cdf(t) itself. Eight steps.
   */
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const pv = this.value(p, 'p');
      const shape = broadcastShapes(this.name, { p: pv.shape, batchShape: this.batchShape });
      const pb = tf.broadcastTo(pv, shape);
      const df = tf.broadcastTo(this.df, shape);
      const std = new StudentT({ df, loc: 0, scale: 1, validateArgs: false });
      const q = tf.minimum(pb, tf.sub(1, pb));
      const logQ = tf.log(q);
      // Cornish-Fisher guess |t| ~ z + (z³ + z)/(4 df) + (5z⁵ + 16z³ + 3z)/(96 df²), z = -ndtri(q).
      const z = tf.neg(ndtri(tf.maximum(q, 1e-37)));
      const z2 = tf.square(z);
      const cf = tf.add(
        tf.add(z, tf.div(tf.mul(z, tf.add(z2, 1)), tf.mul(df, 4))),
        tf.div(tf.mul(z, tf.add(tf.mul(z2, tf.add(tf.mul(z2, 5), 16)), 3)), tf.mul(tf.square(df), 96)),
      );
      // Power tail: cdf(-|t|) ~ K |t|^-df / df with log K = (df/2) log df - log B(df/2, ½).
      const logTail = tf.div(tf.sub(tf.sub(tf.sub(tf.mul(tf.mul(df, 0.5), tf.log(df)), betaln(tf.mul(df, 0.5), 0.5)), tf.log(df)), logQ), df);
      const inTail = tf.less(q, 0.1);
      // The power tail is the better start for small df; Cornish-Fisher for large df (where the tail guess is far off).
      let sLog = tf.where(tf.less(df, 30), tf.maximum(tf.log(tf.maximum(cf, 1e-30)), logTail), tf.log(tf.maximum(cf, 1e-30)));
      let t = tf.neg(cf);
      for (let i = 0; i < ICDF_STEPS; i++) {
        // Tail: h(s) = log cdf(-e^s) - log q, h'(s) = -e^s pdf / cdf.
        const ts = tf.neg(tf.exp(sLog));
        const h = tf.sub(std.logCdf(ts), logQ);
        const dh = tf.neg(tf.exp(tf.add(tf.sub(std.logProb(ts), std.logCdf(ts)), sLog)));
        sLog = tf.sub(sLog, tf.clipByValue(tf.div(h, dh), -3, 3));
        // Centre: g(t) = cdf(t) - q on t <= 0.
        const g = tf.sub(std.cdf(t), q);
        t = tf.minimum(tf.sub(t, tf.clipByValue(tf.div(g, std.prob(t)), -2, 2)), 0);
      }
      const magnitude = tf.where(tf.equal(q, 0), tf.fill(shape, Infinity), tf.where(inTail, tf.exp(sLog), tf.neg(t)));
      const signed = tf.where(tf.less(pb, 0.5), tf.neg(magnitude), magnitude);
      std.dispose();
      return tf.add(this.loc, tf.mul(this.scale, signed));
    });
  }
  /** loc for df > 1, NaN otherwise (the mean does not exist). */
  override mean(): tf.Tensor {
    return tf.tidy(() => {
      const m = tf.broadcastTo(this.loc, [...this.batchShape]);
      return tf.where(tf.broadcastTo(tf.greater(this.df, 1), [...this.batchShape]), m, tf.fill([...this.batchShape], NaN));
    });
  }
  override mode(): tf.Tensor {
    return this.toBatchShape(this.loc);
  }
  /** scale² df / (df - 2) for df > 2, +Infinity for 1 < df <= 2, NaN for df <= 1. */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const s = [...this.batchShape];
      const df = tf.broadcastTo(this.df, s);
      const v = tf.broadcastTo(tf.div(tf.mul(tf.square(this.scale), df), tf.sub(df, 2)), s);
      return tf.where(tf.greater(df, 2), v, tf.where(tf.greater(df, 1), tf.fill(s, Infinity), tf.fill(s, NaN)));
    });
  }
  /**
   * (df + 1)/2 (ψ((df + 1)/2) - ψ(df/2)) + ½ log df + log B(df/2, ½) + log scale; the digamma
   * difference from its asymptotic series for large df (where it cancels in float32).
   */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = tf.mul(this.df, 0.5);
      const large = tf.greaterEqual(a, SERIES_FROM);
      const al = tf.where(large, a, tf.fill(a.shape, SERIES_FROM));
      const inv = tf.reciprocal(al);
      const inv2 = tf.square(inv);
      // 1/(2a) + 1/(8a²) - 1/(64a⁴) + 1/(128a⁶) - 17/(1024a⁸)
      const poly = tf.add(0.5, tf.mul(inv, tf.add(1 / 8, tf.mul(inv, tf.mul(inv, tf.add(-1 / 64, tf.mul(inv2, tf.add(1 / 128, tf.mul(inv2, -17 / 1024)))))))));
      const series = tf.mul(inv, poly);
      const as = tf.where(large, tf.fill(a.shape, 1), a);
      const direct = tf.sub(digamma(tf.add(as, 0.5)), digamma(as));
      const dpsi = tf.where(large, series, direct);
      const h = tf.add(
        tf.add(tf.mul(tf.add(a, 0.5), dpsi), tf.mul(0.5, tf.log(this.df))),
        tf.add(betaln(a, 0.5), tf.log(this.scale)),
      );
      return this.toBatchShape(h);
    });
  }
}
