import * as tf from '@tensorflow/tfjs-core';
import { Categorical, Distribution, Independent, Laplace, MixtureSameFamily, Normal, kl } from '@probdl/distributions';
import { key, random, split, type PRNGKey } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { denseFlipout, denseLocalReparameterization, denseReparameterization, type BayesianDenseParams } from '../../src/bayesian/index.js';
import { expectTreeGradientsMatchHost } from '../helpers/finite-difference.js';
import { f64, klNormal64, softplus64 } from './host.js';

const IN = 3;
const OUT = 2;
// Posterior parameters spread over a useful range: locs in [-1, 1], scales softplus(u) in ~[0.13, 1.3].
const LOC = Float64Array.from([-1, -0.4, 0.1, 0.5, 0.9, 0.25]);
const U = Float64Array.from([-2, -1, 0, 1, -0.5, 0.5]);
const BLOC = Float64Array.from([0.3, -0.7]);
const BU = Float64Array.from([-1.5, 0.2]);

function makeParams(): BayesianDenseParams {
  return {
    kernelLoc: tf.tensor2d(Float32Array.from(LOC), [IN, OUT]),
    kernelUntransformedScale: tf.tensor2d(Float32Array.from(U), [IN, OUT]),
    biasLoc: tf.tensor1d(Float32Array.from(BLOC)),
    biasUntransformedScale: tf.tensor1d(Float32Array.from(BU)),
  };
}
function disposeParams(p: BayesianDenseParams): void {
  tf.dispose(Object.values(p) as tf.Tensor[]);
}
// The float32-rounded values the device sees.
const r32 = (a: Float64Array) => Float64Array.from(Float32Array.from(a));

/** Host KL of a set of posteriors against N(m0, s0²) (analytic, float64). */
function hostKlNormal(loc: Float64Array, u: Float64Array, m0: (i: number) => number, s0: (i: number) => number): number {
  let s = 0;
  loc.forEach((m, i) => (s += klNormal64(m, softplus64(u[i]!), m0(i), s0(i))));
  return s;
}

/**
 * E and Var under q = N(m, s²) of r(w) = log q(w) − log p(w), by Simpson's rule in z = (w − m)/s on
 * [−12, 12] (h = 1e-3): the float64 "numerical value" of KL(q || p) for priors with no closed form,
 * and the per-draw variance that sets the Monte Carlo standard error.
 */
function quadrature(m: number, s: number, logP: (w: number) => number): { kl: number; variance: number } {
  const h = 1e-3;
  const n = 24000;
  let e1 = 0, e2 = 0;
  for (let k = 0; k <= n; k++) {
    const z = -12 + k * h;
    const wt = (k === 0 || k === n ? 1 : k % 2 === 1 ? 4 : 2) * (h / 3) * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    const r = -0.5 * z * z - Math.log(s) - 0.5 * Math.log(2 * Math.PI) - logP(m + s * z);
    e1 += wt * r;
    e2 += wt * r * r;
  }
  return { kl: e1, variance: e2 - e1 * e1 };
}

const laplaceLogP = (b: number) => (w: number) => -Math.abs(w) / b - Math.log(2 * b);
// Blundell et al.'s scale-mixture prior: 0.5 N(0, 1) + 0.5 N(0, 0.1²).
const mixtureLogP = (w: number) => {
  const n = (s: number) => Math.exp(-0.5 * (w / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
  return Math.log(0.5 * n(1) + 0.5 * n(0.1));
};

describe('klDivergence, closed form', () => {
  it('default prior N(0, 1): equals the float64 sum of KL(N(m, s²) || N(0, 1)) over the kernel (point-mass bias: no bias term)', async () => {
    const p = makeParams();
    for (const make of [denseReparameterization, denseFlipout, denseLocalReparameterization]) {
      const klv = make(OUT).klDivergence(p);
      expect(klv.shape).toEqual([]);
      const want = hostKlNormal(r32(LOC), r32(U), () => 0, () => 1);
      expect(Math.abs((await f64(klv))[0]! - want)).toBeLessThan(1e-5 * Math.abs(want) + 1e-5);
      klv.dispose();
      const klB = make(OUT, { biasPosterior: 'normal' }).klDivergence(p);
      const wantB = want + hostKlNormal(r32(BLOC), r32(BU), () => 0, () => 1);
      expect(Math.abs((await f64(klB))[0]! - wantB)).toBeLessThan(1e-5 * Math.abs(wantB) + 1e-5);
      klB.dispose();
    }
    disposeParams(p);
  });

  it('custom priors: a scalar Normal, a per-weight factory, a separate bias prior and an Independent prior', async () => {
    const p = makeParams();
    const scalarPrior = new Normal({ loc: 0.3, scale: 2 });
    const kl1 = denseFlipout(OUT, { prior: scalarPrior, biasPosterior: 'normal' }).klDivergence(p);
    const want1 = hostKlNormal(r32(LOC), r32(U), () => 0.3, () => 2) + hostKlNormal(r32(BLOC), r32(BU), () => 0.3, () => 2);
    expect(Math.abs((await f64(kl1))[0]! - want1)).toBeLessThan(1e-5 * want1);
    // A factory building a per-weight prior of the weight's shape: loc_i = 0.1 i, scale 0.5 (kernel); bias N(1, 3²).
    const layer = denseReparameterization(OUT, {
      biasPosterior: 'normal',
      kernelPrior: (shape) => new Normal({ loc: tf.mul(tf.reshape(tf.range(0, shape[0]! * shape[1]!), [...shape]), 0.1), scale: 0.5, validateArgs: false }),
      biasPrior: new Normal({ loc: 1, scale: 3 }),
    });
    const kl2 = layer.klDivergence(p);
    const want2 = hostKlNormal(r32(LOC), r32(U), (i) => 0.1 * i, () => 0.5) + hostKlNormal(r32(BLOC), r32(BU), () => 1, () => 3);
    expect(Math.abs((await f64(kl2))[0]! - want2)).toBeLessThan(1e-5 * want2);
    // TFP's default prior is Independent(Normal(0, 1)) over the whole kernel: the same number as N(0, 1) per weight.
    const base = new Normal({ loc: tf.zeros([IN, OUT]), scale: 1 });
    const indep = new Independent({ distribution: base, reinterpretedBatchNdims: 2 });
    const kl3 = denseLocalReparameterization(OUT, { kernelPrior: indep }).klDivergence(p);
    const want3 = hostKlNormal(r32(LOC), r32(U), () => 0, () => 1);
    expect(Math.abs((await f64(kl3))[0]! - want3)).toBeLessThan(1e-5 * want3);
    tf.dispose([kl1, kl2, kl3, base.loc]);
    [scalarPrior, base, indep].forEach((d) => d.dispose());
    disposeParams(p);
  });

  it('agrees with the kl table of @probdl/distributions (the layers write the Normal–Normal form themselves, for speed)', async () => {
    const p = makeParams();
    const prior = new Normal({ loc: -0.2, scale: 0.8 });
    const got = denseFlipout(OUT, { prior }).klDivergence(p);
    const ref = tf.tidy(() => tf.sum(kl(new Normal({ loc: p.kernelLoc, scale: tf.softplus(p.kernelUntransformedScale) }), prior)));
    expect(Math.abs((await f64(got))[0]! - (await f64(ref))[0]!)).toBeLessThan(1e-5 * (await f64(ref))[0]!);
    tf.dispose([got, ref]);
    prior.dispose();
    disposeParams(p);
  });

  it('gradients wrt kernelLoc and kernelUntransformedScale match float64 finite differences', async () => {
    const layer = denseFlipout(OUT, { prior: new Normal({ loc: 0.2, scale: 0.7 }) });
    await expectTreeGradientsMatchHost(
      ([loc, u]) => layer.klDivergence({ kernelLoc: loc!, kernelUntransformedScale: u!, biasLoc: tf.zeros([OUT]) }),
      ([loc, u]) => hostKlNormal(loc!, u!, () => 0.2, () => 0.7),
      [{ values: LOC, shape: [IN, OUT] }, { values: U, shape: [IN, OUT] }],
    );
  });
});

describe('klDivergence, Monte Carlo (prior with no closed form against a Normal)', () => {
  // Tolerance: the estimate is a mean of S i.i.d. draws of Σ_w r_w, so its standard error is
  // sqrt(Σ_w Var_q[r_w] / S), with Var_q[r_w] from the quadrature; we allow 4 standard errors.
  const cases: [string, () => Distribution, (w: number) => number][] = [
    ['Laplace(0, 0.5)', () => new Laplace({ loc: 0, scale: 0.5 }), laplaceLogP(0.5)],
    [
      'MixtureSameFamily 0.5 N(0, 1) + 0.5 N(0, 0.1²)',
      () =>
        new MixtureSameFamily({
          mixtureDistribution: new Categorical({ logits: [0, 0] }),
          componentsDistribution: new Normal({ loc: [0, 0], scale: [1, 0.1] }),
        }),
      mixtureLogP,
    ],
  ];

  it.each(cases)('%s: within Monte Carlo error of the numerical KL (kernel and Gaussian bias)', async (_name, makePrior, logP) => {
    const S = 400;
    const prior = makePrior();
    const p = makeParams();
    const layer = denseReparameterization(OUT, { prior, biasPosterior: 'normal', klSamples: S });
    const klv = layer.klDivergence(p, { key: key(21) });
    let want = 0, variance = 0;
    const [loc, u] = [[...r32(LOC), ...r32(BLOC)], [...r32(U), ...r32(BU)]];
    loc.forEach((m, i) => {
      const q = quadrature(m, softplus64(u[i]!), logP);
      want += q.kl;
      variance += q.variance;
    });
    const se = Math.sqrt(variance / S);
    const got = (await f64(klv))[0]!;
    expect(Math.abs(got - want)).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.05 * want); // the check has teeth: the error allowed is a few % of the KL
    // Deterministic in the key; another key gives another estimate.
    const again = layer.klDivergence(p, { key: key(21) });
    const other = layer.klDivergence(p, { key: key(22) });
    expect((await f64(again))[0]).toBe(got);
    expect((await f64(other))[0]).not.toBe(got);
    tf.dispose([klv, again, other]);
    prior.dispose();
    disposeParams(p);
  });

  it('the quadrature reproduces the closed form for a Normal prior (checks the reference itself)', () => {
    const q = quadrature(0.4, 0.3, (w) => -0.5 * ((w - 0.1) / 1.5) ** 2 - Math.log(1.5) - 0.5 * Math.log(2 * Math.PI));
    expect(Math.abs(q.kl - klNormal64(0.4, 0.3, 0.1, 1.5))).toBeLessThan(1e-9);
  });

  it('gradients with a fixed key match float64 finite differences at the same draws ε', async () => {
    const S = 3;
    const b = 0.5;
    const layer = denseFlipout(OUT, { prior: new Laplace({ loc: 0, scale: b }), klSamples: S });
    const k: PRNGKey = key(23);
    // Re-draw ε as documented: the kernel term uses random.normal(split(key, 2)[0], [S, in, out]).
    const epsT = random.normal(split(k, 2)[0]!, [S, IN, OUT]);
    const eps = await f64(epsT);
    epsT.dispose();
    const host = ([loc, u]: Float64Array[]) => {
      let total = 0;
      for (let s = 0; s < S; s++) {
        for (let i = 0; i < IN * OUT; i++) {
          const sigma = softplus64(u![i]!);
          const e = eps[s * IN * OUT + i]!;
          const w = loc![i]! + sigma * e;
          total += -0.5 * e * e - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI) - laplaceLogP(b)(w);
        }
      }
      return total / S;
    };
    await expectTreeGradientsMatchHost(
      ([loc, u]) => layer.klDivergence({ kernelLoc: loc!, kernelUntransformedScale: u!, biasLoc: tf.zeros([OUT]) }, { key: k }),
      host,
      [{ values: LOC, shape: [IN, OUT] }, { values: U, shape: [IN, OUT] }],
    );
  });
});
