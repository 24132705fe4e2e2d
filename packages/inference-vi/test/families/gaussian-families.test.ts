import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { key, random, tree, valueAndGrad, type Tree } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import {
  LowRankMultivariateNormal,
  elbo,
  fullRankNormal,
  indabaScaleTril,
  lowRankPlusDiagonal,
  meanFieldNormal,
  type VariationalFamily,
} from '../../src/index.js';

// Host float64 Gaussian algebra for the checks (3 × 3 at most).
type M = number[][];
const matmul = (a: M, b: M): M => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const transpose = (a: M): M => a[0]!.map((_, j) => a.map((r) => r[j]!));
function choleskyHost(a: M): M {
  const n = a.length;
  const l: M = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(s) : s / l[j]![j]!;
    }
  return l;
}
/** log N(x; mu, cov) in float64. */
function hostLogPdf(x: number[], mu: number[], cov: M): number {
  const l = choleskyHost(cov);
  const n = mu.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = x[i]! - mu[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
    y[i] = s / l[i]![i]!;
  }
  const halfLogDet = l.reduce((s, r, i) => s + Math.log(r[i]!), 0);
  return -0.5 * y.reduce((s, v) => s + v * v, 0) - halfLogDet - 0.5 * n * Math.log(2 * Math.PI);
}
const hostEntropy = (cov: M): number => {
  const l = choleskyHost(cov);
  return l.reduce((s, r, i) => s + Math.log(r[i]!), 0) + 0.5 * cov.length * (1 + Math.log(2 * Math.PI));
};
const softplusHost = (x: number): number => Math.log1p(Math.exp(x));

interface Case {
  name: string;
  family: VariationalFamily;
  params: () => Tree;
  mu: number[];
  cov: M;
}

// Each family with hand-set parameters and the mean and covariance they mean, computed on the host.
const L_O = [
  [9, 9, 9],
  [0.4, 9, 9],
  [-0.3, 0.2, 9],
]; // diagonal and upper triangle must be ignored
const SIG = [0.1, -0.2, 0.3];
const indabaL: M = L_O.map((r, i) => r.map((v, j) => (j < i ? v : j === i ? Math.max(Math.exp(SIG[i]!), 1e-6) : 0)));
const RAW = [0.2, 0.5, -0.1, -0.4, 0.3, 0.6]; // packed [L00, L10, L11, L20, L21, L22]
const fillL: M = [
  [softplusHost(0.2) + 1e-5, 0, 0],
  [0.5, softplusHost(-0.1) + 1e-5, 0],
  [-0.4, 0.3, softplusHost(0.6) + 1e-5],
];
const W = [
  [0.5, -0.2],
  [0.3, 0.4],
  [-0.6, 0.1],
];
const RAW_DIAG = [-0.5, 0.0, 0.4];
const lowCov: M = matmul(W, transpose(W)).map((r, i) => r.map((v, j) => v + (i === j ? softplusHost(RAW_DIAG[i]!) ** 2 : 0)));
const MU = [0.3, -1.2, 2];
const MF_RAW = [-1, 0, 0.5];

const CASES: Case[] = [
  {
    name: 'meanFieldNormal (softplus)',
    family: meanFieldNormal() as VariationalFamily,
    params: () => ({ loc: tf.tensor1d(MU), rawScale: tf.tensor1d(MF_RAW) }),
    mu: MU,
    cov: MF_RAW.map((r, i) => MF_RAW.map((_, j) => (i === j ? softplusHost(r) ** 2 : 0))),
  },
  {
    name: 'meanFieldNormal (exp)',
    family: meanFieldNormal({ scaleTransform: 'exp' }) as VariationalFamily,
    params: () => ({ loc: tf.tensor1d(MU), rawScale: tf.tensor1d(MF_RAW) }),
    mu: MU,
    cov: MF_RAW.map((r, i) => MF_RAW.map((_, j) => (i === j ? Math.exp(2 * r) : 0))),
  },
  {
    name: 'fullRankNormal (fillScaleTril)',
    family: fullRankNormal() as VariationalFamily,
    params: () => ({ loc: tf.tensor1d(MU), scaleTrilRaw: tf.tensor1d(RAW) }),
    mu: MU,
    cov: matmul(fillL, transpose(fillL)),
  },
  {
    name: 'fullRankNormal (indaba)',
    family: fullRankNormal({ parametrisation: 'indaba' }) as VariationalFamily,
    params: () => ({ w: tf.tensor1d(MU), L_o: tf.tensor2d(L_O), sig: tf.tensor1d(SIG) }),
    mu: MU,
    cov: matmul(indabaL, transpose(indabaL)),
  },
  {
    name: 'lowRankPlusDiagonal',
    family: lowRankPlusDiagonal({ rank: 2 }) as VariationalFamily,
    params: () => ({ loc: tf.tensor1d(MU), covFactor: tf.tensor2d(W), rawScaleDiag: tf.tensor1d(RAW_DIAG) }),
    mu: MU,
    cov: lowCov,
  },
];

describe.each(CASES)('$name', ({ family, params, mu, cov }) => {
  it('sample moments match the parameters within Monte Carlo error', async () => {
    const p = params();
    const n = 20000;
    const q = family.distribution(p);
    const x = q.sample(key(11), n);
    expect(x.shape).toEqual([n, 3]);
    const xs = await x.data();
    const mean = [0, 1, 2].map((i) => {
      let s = 0;
      for (let r = 0; r < n; r++) s += xs[r * 3 + i]!;
      return s / n;
    });
    for (let i = 0; i < 3; i++) {
      // SE of a sample mean: sqrt(Σ_ii / n); 4 standard errors.
      expect(Math.abs(mean[i]! - mu[i]!)).toBeLessThan(4 * Math.sqrt(cov[i]![i]! / n));
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += (xs[r * 3 + i]! - mean[i]!) * (xs[r * 3 + j]! - mean[j]!);
        // SE of a Gaussian sample covariance: sqrt((Σ_ii Σ_jj + Σ_ij²) / n); 4 standard errors.
        const se = Math.sqrt((cov[i]![i]! * cov[j]![j]! + cov[i]![j]! ** 2) / n);
        expect(Math.abs(s / (n - 1) - cov[i]![j]!)).toBeLessThan(4 * se);
      }
    }
    tf.dispose([x]);
    q.dispose();
    tree.dispose(p);
  });

  it('logProb matches a float64 host density; entropy matches ½ log det(2πeΣ); fromNoise draws with the same moments', async () => {
    const p = params();
    const q = family.distribution(p);
    const pts = [
      [0, 0, 0],
      [0.3, -1.2, 2],
      [1.5, -2, 0.5],
      [-1, 1, 3],
    ];
    const ptsT = tf.tensor2d(pts);
    const lp = q.logProb(ptsT);
    await expect(lp).toBeCloseTensor(
      pts.map((x) => hostLogPdf(x, mu, cov)),
      { rtol: 1e-5, atol: 1e-4 },
    );
    const h = family.entropy!(p);
    await expect(h).toBeCloseTensor(hostEntropy(cov), { rtol: 1e-5, atol: 1e-5 });
    const hq = q.entropy();
    await expect(hq).toBeCloseTensor(hostEntropy(cov), { rtol: 1e-5, atol: 1e-5 });
    const eps = random.normal(key(4), [4000, family.noiseSize(p)]);
    const z = family.fromNoise(p, eps);
    const zmT = tf.mean(z, 0);
    const zm = await zmT.data();
    for (let i = 0; i < 3; i++) expect(Math.abs(zm[i]! - mu[i]!)).toBeLessThan(4 * Math.sqrt(cov[i]![i]! / 4000));
    expect(family.dim(p)).toBe(3);
    tf.dispose([ptsT, lp, h, hq, eps, z, zmT]);
    q.dispose();
    tree.dispose(p);
  });

  it('gradients of an ELBO reach every parameter, finite and nonzero', async () => {
    const p = params();
    const target = (z: tf.Tensor): tf.Tensor => tf.tidy(() => tf.mul(-0.5, tf.sum(tf.square(tf.sub(z, 1)), 1)));
    const [v, g] = valueAndGrad((pp: Tree) => elbo(key(1), target, family as VariationalFamily<Tree>, pp, { numSamples: 8 }))(p);
    for (const leaf of tree.leaves(g) as tf.Tensor[]) {
      const d = await leaf.data();
      expect(Array.from(d).every(Number.isFinite)).toBe(true);
      expect(Math.max(...Array.from(d).map(Math.abs))).toBeGreaterThan(0);
    }
    tf.dispose(v);
    tree.dispose(g);
    tree.dispose(p);
  });

  it('leaks nothing', async () => {
    const p = params();
    await expectNoLeaks(() => family.init(key(0), 3));
    await expectNoLeaks(() => {
      const q = family.distribution(p);
      const out = tf.tidy(() => [q.sample(key(0), 5), q.logProb(tf.zeros([2, 3])), q.entropy(), q.mean()]);
      q.dispose();
      return out;
    });
    await expectNoLeaks(() => tf.tidy(() => family.distribution(p).logProb(tf.zeros([3]))));
    const eps = tf.zeros([2, family.noiseSize(p)]);
    await expectNoLeaks(() => family.fromNoise(p, eps));
    await expectNoLeaks(() => family.entropy!(p));
    tree.dispose([p, eps]);
  });
});

describe('family details', () => {
  it('init gives the documented starting point', async () => {
    const mf = meanFieldNormal({ initScale: 0.3 }).init(key(0), 4);
    const sp = tf.softplus(mf.rawScale);
    await expect(sp).toBeCloseTensor([0.3, 0.3, 0.3, 0.3], { rtol: 1e-5 });
    await expect(mf.loc).toBeCloseTensor([0, 0, 0, 0]);
    const fr = fullRankNormal({ initScale: 0.5 });
    const fp = fr.init(key(0), 3);
    const q = fr.distribution(fp) as unknown as { covariance(): tf.Tensor; dispose(): void };
    const c = q.covariance();
    await expect(c).toBeCloseTensor([[0.25, 0, 0], [0, 0.25, 0], [0, 0, 0.25]], { rtol: 1e-5, atol: 1e-7 });
    const ip = fullRankNormal({ parametrisation: 'indaba' }).init(key(0), 2);
    expect(ip.w.shape).toEqual([2]);
    expect(ip.L_o.shape).toEqual([2, 2]);
    const l = indabaScaleTril(ip);
    const ld = await l.data();
    expect(ld[1]).toBe(0); // upper triangle
    expect(Math.abs(ld[0]! - 1)).toBeLessThan(0.01); // exp(sig) with sig ~ 1e-3
    tf.dispose([c, l, sp]);
    q.dispose();
    tree.dispose([mf, fp, ip]);
  });

  it("the 'indaba' scale clips exp(sig) at 1e-6 as the practical does", async () => {
    const p = { w: tf.zeros([2]), L_o: tf.tensor2d([[0, 0], [0.5, 0]]), sig: tf.tensor1d([-20, 0]) };
    const l = indabaScaleTril(p);
    await expect(l).toBeCloseTensor([[1e-6, 0], [0.5, 1]], { rtol: 1e-5, atol: 0 });
    await expectNoLeaks(() => indabaScaleTril(p));
    tree.dispose([p, l]);
  });

  it('the low-rank distribution agrees with its dense covariance and never needs it', async () => {
    const d = new LowRankMultivariateNormal({ loc: tf.tensor1d(MU), covFactor: tf.tensor2d(W), scaleDiag: tf.tensor1d(RAW_DIAG.map(softplusHost)) });
    const cv = d.covariance();
    const vr = d.variance();
    const ld = d.logDetCovariance();
    await expect(cv).toBeCloseTensor(lowCov, { rtol: 1e-5, atol: 1e-6 });
    await expect(vr).toBeCloseTensor(lowCov.map((r, i) => r[i]!), { rtol: 1e-5 });
    await expect(ld).toBeCloseTensor(2 * choleskyHost(lowCov).reduce((s, r, i) => s + Math.log(r[i]!), 0), { rtol: 1e-5, atol: 1e-5 });
    // A batch [2, 2, 3] of points.
    const x = tf.tensor3d([[[0, 0, 0], [1, 1, 1]], [[-1, 0, 2], [0.3, -1.2, 2]]]);
    const lp = d.logProb(x);
    expect(lp.shape).toEqual([2, 2]);
    await expect(lp).toBeCloseTensor([[hostLogPdf([0, 0, 0], MU, lowCov), hostLogPdf([1, 1, 1], MU, lowCov)], [hostLogPdf([-1, 0, 2], MU, lowCov), hostLogPdf([0.3, -1.2, 2], MU, lowCov)]], { rtol: 1e-5, atol: 1e-4 });
    await expectNoLeaks(() => [d.covariance(), d.variance(), d.logDetCovariance(), d.logProb(x), d.entropy(), d.mean(), d.mode(), d.sample(key(0), [2, 2])]);
    const noise = tf.ones([5, 2 + 3]); // K + D base draws per sample
    await expectNoLeaks(() => d.fromNoise(noise));
    tf.dispose([x, lp, cv, vr, ld, noise, d.loc, d.covFactor, d.scaleDiag]);
  });

  it('errors name the function and the shapes', () => {
    const p = { loc: tf.zeros([3]), rawScale: tf.zeros([2]) };
    expect(() => meanFieldNormal().distribution(p)).toThrow(/meanFieldNormal.distribution: params must be \{ loc: \[D\], rawScale: \[D\] \}/);
    expect(() => meanFieldNormal({ initScale: -1 })).toThrow(/initScale/);
    expect(() => meanFieldNormal().init(key(0), 0)).toThrow(/meanFieldNormal.init: argument 'dim'/);
    const fp = { loc: tf.zeros([2]), scaleTrilRaw: tf.zeros([3]) };
    const eps = tf.zeros([4, 3]);
    expect(() => fullRankNormal().fromNoise(fp, eps)).toThrow(/fullRankNormal.fromNoise: argument 'eps' must have shape \[S, 2\]/);
    tree.dispose([fp, eps]);
    expect(() => fullRankNormal({ parametrisation: 'x' as never })).toThrow(/parametrisation/);
    expect(() => lowRankPlusDiagonal({ rank: 0 })).toThrow(/rank/);
    tree.dispose(p);
  });

  it('the test file itself leaves no tensors behind', () => {
    expect(tf.memory().numTensors).toBe(0);
  });
});
