import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Independent } from '../../src/combinators/independent.js';
import { Gamma } from '../../src/families/gamma.js';
import { Bernoulli } from '../../src/families/bernoulli.js';
import { Beta } from '../../src/families/beta.js';
import { Categorical } from '../../src/families/categorical.js';
import { OneHotCategorical } from '../../src/families/one-hot-categorical.js';
import { Poisson } from '../../src/families/poisson.js';
import { Exponential } from '../../src/families/exponential.js';
import { Laplace } from '../../src/families/laplace.js';
import { LogNormal } from '../../src/families/log-normal.js';
import { Normal } from '../../src/families/normal.js';
import { Uniform } from '../../src/families/uniform.js';
import { Dirichlet } from '../../src/multivariate/dirichlet.js';
import { MultivariateNormalTriL } from '../../src/multivariate/multivariate-normal-tril.js';
import { kl } from '../../src/kl/kl.js';
import { klMonteCarloWithError } from '../../src/kl/monte-carlo.js';
import { casesOf } from '../helpers/reference.js';
import { checkPair } from './helpers.js';

describe('KL(Laplace || Laplace)', () => {
  it('matches Monte Carlo, broadcasts, zero on itself, no leaks', async () => {
    await checkPair(() => [new Laplace({ loc: [[0], [1.5]], scale: [0.5, 1, 2] }), new Laplace({ loc: [0.3, -1, 2], scale: 1.2 })], 41, [2, 3]);
  });
});

describe('KL(Dirichlet || Dirichlet)', () => {
  it('matches Monte Carlo, broadcasts, zero on itself, no leaks', async () => {
    await checkPair(
      () => [new Dirichlet({ concentration: [[1.5, 2, 3], [0.8, 1.2, 4]] }), new Dirichlet({ concentration: [2, 2, 2] })],
      42,
      [2],
      1e-5,
      8000,
    );
  });
  it('equals the Beta-like two-category value computed by hand', async () => {
    // Two categories: Dirichlet(a, b) is Beta(a, b) on the first coordinate; KL(Beta(2,3) || Beta(1,1)) = -H(Beta(2,3))
    // = -(ln B(2,3) - (1)ψ(2) - 2ψ(3) + 3ψ(5)), with B(2,3) = 1/12, ψ(2) = 1 - γ, ψ(3) = 1.5 - γ, ψ(5) = 25/12 - γ.
    const g = 0.5772156649015329;
    const entropy = Math.log(1 / 12) - (1 - g) - 2 * (1.5 - g) + 3 * (25 / 12 - g);
    const p = new Dirichlet({ concentration: [2, 3] });
    const q = new Dirichlet({ concentration: [1, 1] });
    await expect(kl(p, q)).toBeCloseTensor(-entropy, { rtol: 1e-5, atol: 1e-6 });
    p.dispose();
    q.dispose();
  });
});

describe('KL(Gamma || Gamma)', () => {
  it('matches Monte Carlo, broadcasts, zero on itself, no leaks', async () => {
    await checkPair(() => [new Gamma({ concentration: [[0.7], [3]], rate: [0.5, 1, 2] }), new Gamma({ concentration: [1.5, 2, 0.9], rate: 1.3 })], 45, [2, 3], 1e-6, 10000);
  });
  it('keeps its digits for nearly equal rates: KL(Gamma(2, 1) || Gamma(2, 1.0001))', async () => {
    // KL = α(r - 1 - log r) with r = βq/βp, about αδ²/2 = 1e-8; the float64 truth uses the float32-rounded rate.
    // The naive αq·log(βp/βq) + αp(βq/βp - 1) cancels two 2e-4 terms and keeps about 3 digits in float32.
    const r = Math.fround(1.0001);
    const truth = 2 * (r - 1 - Math.log(r));
    const p = new Gamma({ concentration: 2, rate: 1 });
    const q = new Gamma({ concentration: 2, rate: r });
    await expect(kl(p, q)).toBeCloseTensor(truth, { rtol: 1e-4 });
    p.dispose();
    q.dispose();
  });
});

describe('KL(Exponential || Exponential)', () => {
  it('matches Monte Carlo, broadcasts, zero on itself, no leaks', async () => {
    await checkPair(() => [new Exponential({ rate: [[0.5], [2]] }), new Exponential({ rate: [0.3, 1, 4] })], 46, [2, 3]);
  });
  it('equals log(λp/λq) + λq/λp - 1', async () => {
    const p = new Exponential({ rate: [2, 0.25] });
    const q = new Exponential({ rate: 0.5 });
    await expect(kl(p, q)).toBeCloseTensor([Math.log(4) + 0.25 - 1, Math.log(0.5) + 2 - 1], { rtol: 2e-6, atol: 1e-7 });
    p.dispose();
    q.dispose();
  });
});

describe('KL(LogNormal || LogNormal)', () => {
  it('matches Monte Carlo, broadcasts, zero on itself, no leaks', async () => {
    await checkPair(() => [new LogNormal({ loc: [[0], [1]], scale: [0.5, 1, 1.5] }), new LogNormal({ loc: [0.2, -0.5, 1], scale: 1.2 })], 47, [2, 3]);
  });
  it('equals KL(Normal || Normal) of the logs (the mpmath reference cases)', async () => {
    for (const c of casesOf('KL_Normal_Normal').filter((e) => (e.mp_kl as number) > 1e-10)) {
      const p = new LogNormal({ loc: c.p_loc, scale: c.p_scale });
      const q = new LogNormal({ loc: c.q_loc, scale: c.q_scale });
      await expect(kl(p, q)).toBeCloseTensor(c.mp_kl, { rtol: 2e-6, atol: 1e-7 });
      p.dispose();
      q.dispose();
    }
  });
});

describe('KL(Beta || Beta)', () => {
  it('matches Monte Carlo, broadcasts, zero on itself, no leaks', async () => {
    await checkPair(
      () => [new Beta({ concentration1: [[0.8], [3]], concentration0: [0.7, 2, 5] }), new Beta({ concentration1: [1.5, 2, 0.9], concentration0: 1.3 })],
      48,
      [2, 3],
      1e-5,
      5000,
    );
  });
  it('KL(Beta(a, b) || Uniform(0, 1) as Beta(1, 1)) is minus the Beta entropy', async () => {
    // H(Beta(2, 3)) = ln B(2, 3) - ψ(2) - 2ψ(3) + 3ψ(5) with B(2, 3) = 1/12, ψ(n) = H_{n-1} - γ.
    const g = 0.5772156649015329;
    const entropy = Math.log(1 / 12) - (1 - g) - 2 * (1.5 - g) + 3 * (25 / 12 - g);
    const p = new Beta({ concentration1: 2, concentration0: 3 });
    const q = new Beta({ concentration1: 1, concentration0: 1 });
    await expect(kl(p, q)).toBeCloseTensor(-entropy, { rtol: 1e-5, atol: 1e-6 });
    p.dispose();
    q.dispose();
  });
});

describe('KL(Uniform || Normal) and KL(Uniform || Uniform)', () => {
  it('Uniform–Normal matches Monte Carlo, broadcasts, no leaks', async () => {
    await checkPair(() => [new Uniform({ low: [[-1], [0.5]], high: [1, 2, 4] }), new Normal({ loc: [0, 1, -1], scale: [1, 0.5, 3] })], 49, [2, 3]);
  });
  it('Uniform–Normal equals the closed form at one point', async () => {
    // U(0, 2) vs N(1, 2): -log 2 + log(2√(2π)) + (4/12 + 0)/(2·4).
    const p = new Uniform({ low: 0, high: 2 });
    const q = new Normal({ loc: 1, scale: 2 });
    await expect(kl(p, q)).toBeCloseTensor(-Math.log(2) + Math.log(2 * Math.sqrt(2 * Math.PI)) + 1 / 3 / 8, { rtol: 2e-6 });
    p.dispose();
    q.dispose();
  });
  it('Uniform–Uniform matches Monte Carlo when p lies inside q, and is +Infinity otherwise', async () => {
    await checkPair(() => [new Uniform({ low: [[-1], [0]], high: [0.5, 1, 2] }), new Uniform({ low: -2, high: [1, 2, 3] })], 50, [2, 3]);
    const p = new Uniform({ low: [0, -3, 0], high: [1, 1, 5] });
    const q = new Uniform({ low: -2, high: 2 });
    await expect(kl(p, q)).toBeCloseTensor([Math.log(4), Infinity, Infinity]);
    p.dispose();
    q.dispose();
  });
});

describe('KL(Bernoulli || Bernoulli)', () => {
  it('matches Monte Carlo, broadcasts, zero on itself, no leaks', async () => {
    await checkPair(() => [new Bernoulli({ logits: [[-1], [2]] }), new Bernoulli({ logits: [0.5, -2, 3] })], 51, [2, 3]);
  });
  it('is finite and exact at logits ±1000 and at probs 0 and 1 (0·log 0 = 0)', async () => {
    // p = σ(1000) = 1 - e^-1000: KL(p || σ(0)) = log 2 and KL(p || σ(-1000)) = 1000 (to float32); the same from probs.
    const p = new Bernoulli({ logits: [1000, 1000, -1000] });
    const q = new Bernoulli({ logits: [0, -1000, 0] });
    await expect(kl(p, q)).toBeCloseTensor([Math.LN2, 1000, Math.LN2], { rtol: 1e-6 });
    const pp = new Bernoulli({ probs: [0, 1, 0, 0.3] });
    const qp = new Bernoulli({ probs: [0.5, 0.5, 0, 0.6] });
    const truth4 = 0.3 * Math.log(0.3 / 0.6) + 0.7 * Math.log(0.7 / 0.4);
    await expect(kl(pp, qp)).toBeCloseTensor([Math.LN2, Math.LN2, 0, truth4], { rtol: 1e-5, atol: 1e-7 });
    // q gives probability 0 to an outcome p can produce: +Infinity.
    const q0 = new Bernoulli({ probs: 0 });
    const half = new Bernoulli({ probs: 0.5 });
    await expect(kl(half, q0)).toBeCloseTensor(Infinity);
    [p, q, pp, qp, q0, half].forEach((d) => d.dispose());
  });
});

describe('KL(Categorical || Categorical) and KL(OneHotCategorical || OneHotCategorical)', () => {
  it('Categorical matches Monte Carlo, broadcasts, zero on itself, no leaks', async () => {
    await checkPair(() => [new Categorical({ logits: [[0, 1, -1, 0.5], [2, 0, 0, -3]] }), new Categorical({ logits: [[[1, 0, 0, 0]], [[0, 0.5, 1, -1]], [[-1, 0, 2, 0]]] })], 53, [3, 2]);
  });
  it('OneHotCategorical matches Monte Carlo, broadcasts, zero on itself, no leaks', async () => {
    await checkPair(() => [new OneHotCategorical({ logits: [[0, 1, -1], [2, 0, 0]] }), new OneHotCategorical({ logits: [0.3, -1, 1] })], 54, [2]);
  });
  it('handles -Infinity logits (0·(-Infinity) = 0) and logits ±1000 and 700..720', async () => {
    const ninf = -Infinity;
    const p = new Categorical({ logits: [[0, ninf, 0], [0, ninf, 0], [0, 0, ninf], [1000, 0, -1000], [700, 710, 720]] });
    const q = new Categorical({ logits: [[0, 0, 0], [ninf, 0, 0], [1, 1, ninf], [0, 1000, 0], [720, 710, 700]] });
    // Row 1: p = (1/2, 0, 1/2), q uniform: log(3/2). Row 2: q excludes a class p uses: +Infinity.
    // Row 3: the same distribution up to a shift of the logits: 0. Row 4: p ≈ e₀, q ≈ e₁: 1000.
    // Row 5: Σ p_k (l_k - m_k) with l, m the log-softmaxes, in float64.
    const lse = (v: number[]) => Math.max(...v) + Math.log(v.reduce((a, x) => a + Math.exp(x - Math.max(...v)), 0));
    const a = [700, 710, 720].map((x) => x - lse([700, 710, 720]));
    const b = [720, 710, 700].map((x) => x - lse([720, 710, 700]));
    const row5 = a.reduce((acc, la, k) => acc + Math.exp(la) * (la - b[k]!), 0);
    await expect(kl(p, q)).toBeCloseTensor([Math.log(1.5), Infinity, 0, 1000, row5], { rtol: 1e-5, atol: 1e-6 });
    [p, q].forEach((d) => d.dispose());
  });
});

describe('KL(Poisson || Poisson)', () => {
  it('matches Monte Carlo, broadcasts, zero on itself, no leaks', async () => {
    await checkPair(() => [new Poisson({ rate: [[0.5], [4]] }), new Poisson({ rate: [1, 3, 0.2] })], 55, [2, 3], 1e-6, 8000);
  });
  it('equals λp log(λp/λq) - λp + λq, also from logRate and for nearly equal rates', async () => {
    const r = Math.fround(1.0001);
    const p = new Poisson({ logRate: [Math.log(3), 0, 0] });
    const q = new Poisson({ rate: [0.5, 2, r] });
    // The last entry, λp(r - 1 - log r) ≈ 5e-9, keeps its digits through expm1MinusX.
    await expect(kl(p, q)).toBeCloseTensor([3 * Math.log(6) - 3 + 0.5, -Math.log(2) - 1 + 2, r - 1 - Math.log(r)], { rtol: 1e-4, atol: 0 });
    p.dispose();
    q.dispose();
  });
});

describe('a pair with no closed form', () => {
  it('kl(Gamma, Normal) names both families and points to klMonteCarlo, which works', async () => {
    const p = new Gamma({ concentration: 3, rate: 2 });
    const q = new Normal({ loc: 1, scale: 1 });
    expect(() => kl(p, q)).toThrow('no closed-form KL(Gamma || Normal) is registered; use klMonteCarlo(p, q, key, n)');
    const { estimate, stderr } = klMonteCarloWithError(p, q, key(52), 4000);
    // KL(Gamma(3, 2) || N(1, 1)) = -H(p) + 0.5 log 2π + 0.5 E(x - 1)² with E(x - 1)² = var + (mean - 1)² = 0.75 + 0.25.
    // H(Gamma(α, β)) = α - ln β + ln Γ(α) + (1 - α)ψ(α), with ln Γ(3) = ln 2 and ψ(3) = 1.5 - γ.
    const entropy = 3 - Math.log(2) + Math.log(2) + (1 - 3) * (1.5 - 0.5772156649015329);
    const truth = -entropy + 0.5 * Math.log(2 * Math.PI) + 0.5 * 1;
    const e = (await estimate.data())[0]!;
    const se = (await stderr.data())[0]!;
    expect(Math.abs(e - truth)).toBeLessThanOrEqual(5 * se + 1e-4);
    [estimate, stderr].forEach((t) => t.dispose());
    p.dispose();
    q.dispose();
  });
});

describe('KL(Independent || Independent)', () => {
  it('Independent(Normal): matches Monte Carlo and the sum of the base KLs', async () => {
    await checkPair(
      () => [
        new Independent({ distribution: new Normal({ loc: [[0, 1, 2], [1, 1, 1]], scale: [0.5, 1, 2] }), reinterpretedBatchNdims: 1 }),
        new Independent({ distribution: new Normal({ loc: [0.3, -1, 2], scale: 1.2 }), reinterpretedBatchNdims: 1 }),
      ],
      43,
      [2],
    );
    const pb = new Normal({ loc: [[0, 1, 2], [1, 1, 1]], scale: [0.5, 1, 2] });
    const qb = new Normal({ loc: [0.3, -1, 2], scale: 1.2 });
    const base = kl(pb, qb);
    const p = new Independent({ distribution: pb, reinterpretedBatchNdims: 1 });
    const q = new Independent({ distribution: qb, reinterpretedBatchNdims: 1 });
    await expect(kl(p, q)).toBeCloseTensor(tf.sum(base, -1), { rtol: 1e-6 });
    base.dispose();
    const full = new Independent({ distribution: new Normal({ loc: [[0, 1, 2], [1, 1, 1]], scale: [0.5, 1, 2] }), reinterpretedBatchNdims: 2 });
    const fullQ2 = new Independent({ distribution: new Normal({ loc: [[0.3, -1, 2], [0.3, -1, 2]], scale: 1.2 }), reinterpretedBatchNdims: 2 });
    // Reinterpreting both batch dimensions: a scalar, the total of the [2] KLs above.
    const v = kl(full, fullQ2);
    expect(v.shape).toEqual([]);
    const perRow = kl(p, q);
    await expect(v).toBeCloseTensor(tf.sum(perRow), { rtol: 1e-6 });
    [v, perRow].forEach((t) => t.dispose());
    [p, q, full, fullQ2].forEach((d) => d.dispose());
  });
  it('Independent(MultivariateNormalTriL) sums the MVN KLs', async () => {
    await checkPair(
      () => [
        new Independent({ distribution: new MultivariateNormalTriL({ loc: [[0, 1], [1, -1]], scaleTril: [[1, 0], [0.5, 0.8]] }), reinterpretedBatchNdims: 1 }),
        new Independent({ distribution: new MultivariateNormalTriL({ loc: [0.5, 0], scaleTril: [[[1.3, 0], [-0.2, 0.9]], [[0.7, 0], [0.1, 1.1]]] }), reinterpretedBatchNdims: 1 }),
      ],
      44,
      [],
      1e-5,
    );
  });
  it('rejects different reinterpretedBatchNdims, naming both', () => {
    const p = new Independent({ distribution: new Normal({ loc: [0, 1, 2], scale: 1 }), reinterpretedBatchNdims: 1 });
    const q = new Independent({ distribution: new Independent({ distribution: new Normal({ loc: [0, 1, 2], scale: 1 }), reinterpretedBatchNdims: 1 }), reinterpretedBatchNdims: 0 });
    expect(p.eventShape).toEqual(q.eventShape);
    expect(() => kl(p, q)).toThrow(/reinterpretedBatchNdims differ \(p: 1, q: 0\)/);
    p.dispose();
    q.dispose();
  });
});
