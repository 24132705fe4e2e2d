import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Affine } from '../../src/bijectors/affine.js';
import { Exp } from '../../src/bijectors/exp.js';
import { Identity } from '../../src/bijectors/identity.js';
import { IndependentBijector } from '../../src/bijectors/independent-bijector.js';
import { ScaleMatvecTriL } from '../../src/bijectors/scale-matvec-tril.js';
import { Sigmoid } from '../../src/bijectors/sigmoid.js';
import { StickBreaking } from '../../src/bijectors/stick-breaking.js';
import { TransformedDistribution } from '../../src/combinators/transformed-distribution.js';
import { NotDefinedError } from '../../src/distribution.js';
import { Normal } from '../../src/families/normal.js';
import { expectGradsMatch, gradCheck } from '../helpers/gradcheck.js';
import { host, meanWithinMcError } from '../helpers/stats.js';
import { expectKsPasses } from '../helpers/sampling.js';

const LOG_2PI = Math.log(2 * Math.PI);
/** Log-normal log density in float64 on the host. */
const logNormalPdf = (y: number, mu: number, s: number) => -Math.log(y) - Math.log(s) - 0.5 * LOG_2PI - (Math.log(y) - mu) ** 2 / (2 * s * s);
/** Logit-normal log density in float64 on the host. */
const logitNormalPdf = (y: number, mu: number, s: number) => {
  const z = (Math.log(y) - Math.log1p(-y) - mu) / s;
  return -0.5 * z * z - Math.log(s) - 0.5 * LOG_2PI - Math.log(y) - Math.log1p(-y);
};

describe('TransformedDistribution against closed forms', () => {
  it('Normal + Exp = log-normal density', async () => {
    const base = new Normal({ loc: [0.3, -1], scale: [0.8, 1.7] });
    const bij = new Exp();
    const d = new TransformedDistribution({ distribution: base, bijector: bij });
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([]);
    expect(d.support.name).toBe('positive');
    expect(d.reparameterized).toBe(true);
    const ys = [0.05, 0.5, 1, 2.5, 10];
    const y = ys.map((v, i) => [v, ys[(i + 2) % 5]!]);
    const expected = y.map(([a, b]) => [logNormalPdf(a!, 0.3, 0.8), logNormalPdf(b!, -1, 1.7)]);
    // float32: relative 1e-5 plus 1e-5 absolute (log y rounding).
    await expect(d.logProb(y)).toBeCloseTensor(expected, { rtol: 1e-5, atol: 1e-5 });
    // Outside the support: -Infinity, never NaN.
    await expect(d.logProb([[-1, 0]])).toBeCloseTensor([[-Infinity, -Infinity]]);
    d.dispose();
    base.dispose();
  });

  it('Normal + Sigmoid = logit-normal density', async () => {
    const base = new Normal({ loc: 0.4, scale: 1.3 });
    const d = new TransformedDistribution({ distribution: base, bijector: new Sigmoid() });
    const ys = [0.01, 0.2, 0.5, 0.9, 0.999];
    await expect(d.logProb(ys)).toBeCloseTensor(ys.map((v) => logitNormalPdf(v, 0.4, 1.3)), { rtol: 2e-5, atol: 2e-4 });
    expect(d.support.name).toBe('unitInterval');
    await expect(d.logProb([1.5])).toBeCloseTensor([-Infinity]);
  });

  it('Normal + Affine(shift, scale < 0) = Normal(shift + scale·loc, |scale|·σ): logProb, cdf, icdf and moments', async () => {
    const base = new Normal({ loc: 0.3, scale: 0.8 });
    const bij = new Affine({ shift: 1, scale: -2 });
    const d = new TransformedDistribution({ distribution: base, bijector: bij });
    const ref = new Normal({ loc: 1 - 2 * 0.3, scale: 1.6 });
    const y = [-3, -0.4, 0.4, 1.1, 5];
    await expect(d.logProb(y)).toBeCloseTensor(ref.logProb(y), { rtol: 1e-5, atol: 1e-6 });
    // A decreasing map: cdf(y) = base.survival(inverse(y)).
    await expect(d.cdf(y)).toBeCloseTensor(ref.cdf(y), { rtol: 1e-4, atol: 1e-6 });
    await expect(d.survival(y)).toBeCloseTensor(ref.survival(y), { rtol: 1e-4, atol: 1e-6 });
    await expect(d.logCdf(y)).toBeCloseTensor(ref.logCdf(y), { rtol: 1e-4, atol: 1e-6 });
    await expect(d.logSurvival(y)).toBeCloseTensor(ref.logSurvival(y), { rtol: 1e-4, atol: 1e-6 });
    await expect(d.icdf([0.1, 0.5, 0.9])).toBeCloseTensor([0.4 - 1.6 * 1.2815515655446004, 0.4, 0.4 + 1.6 * 1.2815515655446004], { rtol: 1e-4, atol: 1e-5 });
    await expect(d.mean()).toBeCloseTensor(0.4, { rtol: 1e-6 });
    await expect(d.variance()).toBeCloseTensor(1.6 ** 2, { rtol: 1e-6 });
    await expect(d.stddev()).toBeCloseTensor(1.6, { rtol: 1e-6 });
    // Entropy of N(·, 1.6²): ½ log(2πe) + log 1.6.
    await expect(d.entropy()).toBeCloseTensor(0.5 * Math.log(2 * Math.PI * Math.E) + Math.log(1.6), { rtol: 1e-6 });
    d.dispose();
    base.dispose();
    bij.dispose();
    ref.dispose();
  });

  it('Normal batch [2] + ScaleMatvecTriL = MVN(0, L Lᵀ): the last batch dimension becomes the event', async () => {
    const base = new Normal({ loc: [0, 0], scale: 1 });
    const L = [
      [1.5, 0],
      [-0.7, 0.6],
    ];
    const d = new TransformedDistribution({ distribution: base, bijector: new ScaleMatvecTriL({ scaleTril: L }) });
    expect(d.batchShape).toEqual([]);
    expect(d.eventShape).toEqual([2]);
    const ys = [
      [0.3, -0.2],
      [2, 1],
      [-1, 3],
    ];
    const expected = ys.map(([a, b]) => {
      // x = L⁻¹ y by forward substitution; log p = -|x|²/2 - log|det L| - log 2π.
      const x0 = a! / 1.5;
      const x1 = (b! + 0.7 * x0) / 0.6;
      return -0.5 * (x0 * x0 + x1 * x1) - Math.log(1.5 * 0.6) - LOG_2PI;
    });
    await expect(d.logProb(ys)).toBeCloseTensor(expected, { rtol: 1e-5, atol: 1e-5 });
    expect(d.sample(key(1), [7]).shape).toEqual([7, 2]);
    // Mean L·0 = 0; marginal variances Σⱼ Lᵢⱼ²; entropy log 2πe + log|det L|.
    await expect(d.mean()).toBeCloseTensor([0, 0]);
    await expect(d.variance()).toBeCloseTensor([1.5 ** 2, 0.7 ** 2 + 0.6 ** 2], { rtol: 1e-6 });
    await expect(d.entropy()).toBeCloseTensor(Math.log(2 * Math.PI * Math.E) + Math.log(1.5 * 0.6), { rtol: 1e-6 });
    const shifted = new TransformedDistribution({
      distribution: new Normal({ loc: [1, -2], scale: [0.5, 2] }),
      bijector: new ScaleMatvecTriL({ scaleTril: L }),
    });
    await expect(shifted.mean()).toBeCloseTensor([1.5, -0.7 - 1.2], { rtol: 1e-6 });
    await expect(shifted.variance()).toBeCloseTensor([1.5 ** 2 * 0.25, 0.7 ** 2 * 0.25 + 0.6 ** 2 * 4], { rtol: 1e-6 });
  });

  it('an elementwise bijector over a vector base: Exp over Normal batch [3] reinterpreted as a vector', async () => {
    const base = new Normal({ loc: [0, 0.5, -0.5], scale: [1, 0.5, 2] });
    const vec = new TransformedDistribution({ distribution: base, bijector: new IndependentBijector(new Identity(), 1) });
    expect(vec.eventShape).toEqual([3]);
    const d = new TransformedDistribution({ distribution: vec, bijector: new Exp() });
    expect(d.eventShape).toEqual([3]);
    expect(d.batchShape).toEqual([]);
    expect(d.support.eventRank).toBe(1);
    const y = [0.5, 1.2, 3];
    const expected = logNormalPdf(0.5, 0, 1) + logNormalPdf(1.2, 0.5, 0.5) + logNormalPdf(3, -0.5, 2);
    await expect(d.logProb(y)).toBeCloseTensor(expected, { rtol: 1e-5, atol: 1e-5 });
    await expect(d.logProb([[0.5, -1, 3]])).toBeCloseTensor([-Infinity]);
  });

  it('a vector bijector that changes the event size: Normal batch [3] + StickBreaking → simplex events of 4', async () => {
    const base = new Normal({ loc: [0, 0, 0], scale: 1 });
    const d = new TransformedDistribution({ distribution: base, bijector: new StickBreaking() });
    expect(d.eventShape).toEqual([4]);
    expect(d.support.name).toBe('simplex');
    const s = d.sample(key(2), [5]);
    expect(s.shape).toEqual([5, 4]);
    expect(Array.from(await d.support.check(s).data())).toEqual([1, 1, 1, 1, 1]);
    const [s2, lp2] = d.sampleAndLogProb(key(2), [5]);
    await expect(s2).toBeCloseTensor(s);
    await expect(lp2).toBeCloseTensor(d.logProb(s), { rtol: 1e-4, atol: 1e-4 });
    expect(lp2.shape).toEqual([5]);
  });

  it('the bijector’s parameter batch shape joins the batch: Normal(0, 1) + Affine(shift [0, 10, 20], 1)', async () => {
    const base = new Normal({ loc: 0, scale: 1 });
    const d = new TransformedDistribution({ distribution: base, bijector: new Affine({ shift: [0, 10, 20], scale: 1 }) });
    expect(d.batchShape).toEqual([3]);
    const s = await host(d.sample(key(3), [2000]));
    // Columns are independent draws (not one draw shifted): their pairwise correlation is ~0.
    const col = (j: number) => Array.from({ length: 2000 }, (_, i) => s[i * 3 + j]! - 10 * j);
    const a = col(0);
    const b = col(1);
    const corr = a.reduce((acc, v, i) => acc + v * b[i]!, 0) / 2000;
    expect(Math.abs(corr)).toBeLessThan(4 / Math.sqrt(2000));
    expect(meanWithinMcError(col(2), 0, 1).ok).toBe(true);
  });
});

describe('TransformedDistribution sampling', () => {
  it('KS test of Normal + Exp samples (cdf = Φ((log y - μ)/σ)) and the log-normal mean within MC error', async () => {
    const mu = 0.3;
    const sigma = 0.6;
    const base = new Normal({ loc: mu, scale: sigma });
    const d = new TransformedDistribution({ distribution: base, bijector: new Exp() });
    const s = await expectKsPasses(d, key(11), 4000);
    const mean = Math.exp(mu + sigma ** 2 / 2);
    const sd = Math.sqrt((Math.exp(sigma ** 2) - 1) * Math.exp(2 * mu + sigma ** 2));
    expect(meanWithinMcError(s, mean, sd).ok).toBe(true);
  });

  it('reparameterised: d Σ sample / d loc = Σ sample for Normal + Exp', async () => {
    const ref = new TransformedDistribution({ distribution: new Normal({ loc: 0.2, scale: 0.5 }), bijector: new Exp() });
    const s = ref.sample(key(4), 6);
    const [, g] = valueAndGrad((p: { loc: tf.Tensor }) =>
      tf.sum(new TransformedDistribution({ distribution: new Normal({ loc: p.loc, scale: 0.5, validateArgs: false }), bijector: new Exp() }).sample(key(4), 6)),
    )({ loc: tf.scalar(0.2) });
    await expect((g as { loc: tf.Tensor }).loc).toBeCloseTensor(tf.sum(s), { rtol: 1e-5 });
  });

  it('d logProb / d(loc, scale) agree with finite differences', async () => {
    const y = [0.3, 1.1, 4];
    await expectGradsMatch(
      (p) => tf.sum(new TransformedDistribution({ distribution: new Normal({ loc: p.loc!, scale: p.scale!, validateArgs: false }), bijector: new Exp() }).logProb(y)),
      { loc: 0.3, scale: 0.9 },
    );
  });
});

describe('TransformedDistribution gradients through bijector parameters', () => {
  it('d logProb / d(shift, scale) of Normal + Affine and d / d scaleTril of Normal + ScaleMatvecTriL agree with finite differences', async () => {
    const y = [-1.2, 0.4, 2.2];
    const affine = await gradCheck(
      (p) =>
        tf.sum(
          new TransformedDistribution({
            distribution: new Normal({ loc: 0.2, scale: 0.7 }),
            bijector: new Affine({ shift: p.shift!, scale: p.scale!, validateArgs: false }),
          }).logProb(y),
        ),
      { shift: 0.5, scale: -1.4 },
    );
    expect(affine.worst, affine.detail.join('\n')).toBeLessThan(2e-3);
    const tril = await gradCheck(
      (p) =>
        tf.sum(
          new TransformedDistribution({
            distribution: new Normal({ loc: [0, 0], scale: 1 }),
            bijector: new ScaleMatvecTriL({ scaleTril: tf.reshape(p.l!, [2, 2]), validateArgs: false }),
          }).logProb([[0.3, -0.8], [1.5, 0.2]]),
        ),
      { l: [1.3, 0, -0.4, 0.9] },
    );
    expect(tril.worst, tril.detail.join('\n')).toBeLessThan(2e-3);
  });
});

describe('TransformedDistribution errors and leaks', () => {
  it('throws clear errors', () => {
    const base = new Normal({ loc: 0, scale: 1 });
    expect(() => new TransformedDistribution({ distribution: base, bijector: new StickBreaking() })).toThrow(
      /TransformedDistribution: bijector 'StickBreaking' acts on events of rank 1, but the distribution 'Normal' has event shape \[\] and only batch shape \[\]/,
    );
    expect(() => new TransformedDistribution({ distribution: {} as Normal, bijector: new Exp() })).toThrow(/argument 'distribution' must be a Distribution/);
    expect(() => new TransformedDistribution({ distribution: base, bijector: {} as Exp })).toThrow(/argument 'bijector' must be a Bijector/);
    const d = new TransformedDistribution({ distribution: base, bijector: new Exp() });
    expect(() => d.mean()).toThrow(NotDefinedError);
    expect(() => d.mean()).toThrow(/TransformedDistribution.mean: not defined in general \(bijector 'Exp'\)/);
    expect(() => d.entropy()).toThrow(/TransformedDistribution.entropy: not defined in general \(bijector 'Exp'\)/);
    expect(() => d.variance()).toThrow(NotDefinedError);
    const v = new TransformedDistribution({ distribution: new Normal({ loc: [0, 0], scale: 1 }), bijector: new StickBreaking() });
    expect(() => v.cdf([0.5, 0.3, 0.2])).toThrow(/TransformedDistribution.cdf: needs a scalar bijector known to be monotone, got 'StickBreaking'/);
    expect(() => v.logProb(0.5)).toThrow(/TransformedDistribution: argument 'y' must have rank >= 1/);
    const wide = new TransformedDistribution({ distribution: new Normal({ loc: [[0], [1]], scale: 1 }), bijector: new Affine({ shift: [0, 1, 2], scale: 1 }) });
    expect(wide.batchShape).toEqual([2, 3]);
    expect(() => wide.sample(key(0))).toThrow(/TransformedDistribution.sample: the bijector's parameters broadcast size-1 batch dimensions/);
  });

  it('has no leaks (every method)', async () => {
    await expectNoLeaks(() => {
      const base = new Normal({ loc: [0.1, 0.2], scale: 1 });
      const exp = new Exp();
      const aff = new Affine({ shift: 1, scale: 2 });
      const sb = new StickBreaking();
      const d = new TransformedDistribution({ distribution: base, bijector: exp });
      const a = new TransformedDistribution({ distribution: base, bijector: aff });
      const v = new TransformedDistribution({ distribution: base, bijector: sb });
      const s = d.sample(key(1), [3]);
      const out = [
        s,
        d.logProb(s),
        d.prob([1, 2]),
        d.cdf([1, 2]),
        d.logCdf([1, 2]),
        d.survival([1, 2]),
        d.logSurvival([1, 2]),
        d.icdf([0.2, 0.7]),
        ...d.sampleAndLogProb(key(2), 2),
        a.mean(),
        a.variance(),
        a.stddev(),
        a.entropy(),
        a.logProb(0.5),
        v.sample(key(3), 2),
        v.logProb([0.2, 0.3, 0.5]),
        ...v.sampleAndLogProb(key(4)),
      ];
      d.dispose();
      a.dispose();
      v.dispose();
      base.dispose();
      exp.dispose();
      aff.dispose();
      sb.dispose();
      return out;
    });
  });
});
