import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { choleskyF64, fromRowsF64, key, split, toRowsF64, valueAndGrad, type PRNGKey } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { MultivariateNormalDiag } from '../../src/multivariate/multivariate-normal-diag.js';
import { MultivariateNormalFullCovariance } from '../../src/multivariate/multivariate-normal-full-covariance.js';
import { MultivariateNormalTriL } from '../../src/multivariate/multivariate-normal-tril.js';
import { casesOf, nums, refNumber } from '../helpers/reference.js';
import { expectGradsMatch, gradCheck } from '../helpers/gradcheck.js';
import { host, meanWithinMcError } from '../helpers/stats.js';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/**
 * float32 tolerances per case. The log density is -0.5 |L⁻¹(x - μ)|² - Σ log L_ii - d/2 log 2π;
 * its float32 error is about eps·(|log p| + κ(L)·|z|²) with κ(L) the condition number of the factor.
 * Well-conditioned cases: rtol 2e-6, atol 2e-5 (observed errors up to 6e-6 at log p = -51).
 * 2d_strong_corr (κ(L) ≈ 45): atol 1e-4 (observed 5e-5 at log p = -48.7).
 * 4d_illcond_1e8 (κ(Σ) = 1e8, κ(L) = 1e4) in TriL form, with the given float64 factor rounded to
 * float32: rtol 1e-5, atol 1e-4 (observed 5e-4 at log p = -72, i.e. 7e-6 relative, and 1e-8 relative
 * at -1.26e8). Its FullCovariance form is skipped: a float32 Cholesky of a matrix with condition
 * 1e8 ≈ 1/eps(float32) has no correct digits in its last pivot (observed log p errors of 0.3 to 12 in
 * the bulk), which is why the class doc points to MultivariateNormalTriL for such matrices.
 */
function tolerance(name: string): { rtol: number; atol: number } {
  if (name === '4d_illcond_1e8') return { rtol: 1e-5, atol: 1e-4 };
  if (name === '2d_strong_corr') return { rtol: 2e-6, atol: 1e-4 };
  return { rtol: 2e-6, atol: 2e-5 };
}

describe('MultivariateNormal against mpmath', () => {
  for (const c of casesOf('MultivariateNormal')) {
    const tol = tolerance(c.name as string);
    const lp = nums(c.mp_log_prob as unknown[]) as number[];
    it(`${c.name as string}: TriL from cholesky_lower`, async () => {
      const d = new MultivariateNormalTriL({ loc: c.mean, scaleTril: c.cholesky_lower });
      await expect(d.logProb(c.x)).toBeCloseTensor(lp, tol);
      await expect(d.entropy()).toBeCloseTensor(refNumber(c.entropy), { rtol: 2e-6, atol: 2e-6 });
      await expect(d.covariance()).toBeCloseTensor(c.covariance, { rtol: 1e-5, atol: 1e-6 * Math.max(...(c.covariance as number[][]).flat().map(Math.abs)) });
      d.dispose();
    });
    it.skipIf(c.name === '4d_illcond_1e8')(`${c.name as string}: FullCovariance from covariance`, async () => {
      const d = new MultivariateNormalFullCovariance({ loc: c.mean, covarianceMatrix: c.covariance });
      // The device factor of the covariance adds its own rounding: one more 1e-6 relative on log det and z.
      await expect(d.logProb(c.x)).toBeCloseTensor(lp, { rtol: 5 * tol.rtol, atol: 5 * tol.atol });
      await expect(d.entropy()).toBeCloseTensor(refNumber(c.entropy), { rtol: 1e-5, atol: 1e-5 });
      await expect(d.scaleTril).toBeCloseTensor(c.cholesky_lower, { rtol: 1e-4, atol: 1e-5 * Math.abs((c.cholesky_lower as number[][])[0]![0]!) });
      d.dispose();
    });
  }
});

/** Host float64 log density of independent normals (the MultivariateNormalDiag truth). */
function diagLogProb(x: number[], loc: number[], scale: number[]): number {
  return x.reduce((s, xi, i) => s - 0.5 * ((xi - loc[i]!) / scale[i]!) ** 2 - Math.log(scale[i]!) - 0.5 * LOG_TWO_PI, 0);
}

describe('MultivariateNormalDiag', () => {
  it('logProb, moments and entropy equal those of independent normals', async () => {
    const loc = [0.5, -1, 2];
    const scale = [0.3, 1.5, 4];
    const d = new MultivariateNormalDiag({ loc, scaleDiag: scale });
    const xs = [
      [0.1, 0.2, 0.3],
      [1, -4, 10],
    ];
    expect(d.batchShape).toEqual([]);
    expect(d.eventShape).toEqual([3]);
    expect(d.name).toBe('MultivariateNormalDiag');
    await expect(d.logProb(xs)).toBeCloseTensor(xs.map((x) => diagLogProb(x, loc, scale)), { rtol: 2e-6, atol: 1e-5 });
    await expect(d.mean()).toBeCloseTensor(loc);
    await expect(d.mode()).toBeCloseTensor(loc);
    await expect(d.variance()).toBeCloseTensor(scale.map((s) => s * s));
    await expect(d.stddev()).toBeCloseTensor(scale);
    await expect(d.scaleDiag).toBeCloseTensor(scale);
    const entropy = scale.reduce((s, v) => s + Math.log(v) + 0.5 * (1 + LOG_TWO_PI), 0);
    await expect(d.entropy()).toBeCloseTensor(entropy, { rtol: 1e-6 });
    d.dispose();
  });
});

describe('MultivariateNormalDiag as a MultivariateNormalTriL', () => {
  it('agrees with MultivariateNormalTriL({ scaleTril: diag(scaleDiag) }): logProb, sample (same key), covariance', async () => {
    const loc = [[0.5, -1, 2], [0, 0, 1]];
    const scale = [0.3, 1.5, 4];
    const diag = new MultivariateNormalDiag({ loc, scaleDiag: scale });
    const tril = new MultivariateNormalTriL({ loc, scaleTril: scale.map((v, i) => scale.map((_, j) => (i === j ? v : 0))) });
    expect(diag).toBeInstanceOf(MultivariateNormalTriL);
    expect(diag.batchShape).toEqual([2]);
    const x = [[[0.1, 0.2, 0.3]], [[1, -4, 10]]];
    await expect(diag.logProb(x)).toBeCloseTensor(tril.logProb(x), { rtol: 1e-6, atol: 1e-6 });
    await expect(diag.sample(key(4), 3)).toBeCloseTensor(tril.sample(key(4), 3), { rtol: 1e-6, atol: 1e-6 });
    await expect(diag.covariance()).toBeCloseTensor(tril.covariance(), { rtol: 1e-6 });
    await expect(diag.entropy()).toBeCloseTensor(tril.entropy(), { rtol: 1e-6 });
    await expect(diag.stddev()).toBeCloseTensor(tril.stddev(), { rtol: 1e-6 });
    diag.dispose();
    tril.dispose();
  });
  it('forms scaleTril on demand: valid after a tidy that first read it, freed by dispose', async () => {
    await expectNoLeaks(async () => {
      const d = new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [2, 3] });
      const inside = tf.tidy(() => tf.sum(d.scaleTril));
      await expect(inside).toBeCloseTensor(5);
      await expect(d.scaleTril).toBeCloseTensor([[2, 0], [0, 3]]);
      inside.dispose();
      d.dispose();
    });
  });
});

describe('MultivariateNormalTriL shapes', () => {
  it('broadcasts loc [2, 3] against scaleTril [3, 3] and x [4, 1, 3]', async () => {
    const l = [
      [1, 0, 0],
      [0.5, 2, 0],
      [-0.3, 0.1, 0.7],
    ];
    const locs = [
      [0, 0, 0],
      [1, 2, 3],
    ];
    const d = new MultivariateNormalTriL({ loc: locs, scaleTril: l });
    expect(d.batchShape).toEqual([2]);
    const x = [[[0.1, 0.2, 0.3]], [[1, 1, 1]], [[-1, 0, 2]], [[3, 3, 3]]];
    const lp = d.logProb(x);
    expect(lp.shape).toEqual([4, 2]);
    // Each entry equals the unbatched distribution's value.
    const single = new MultivariateNormalTriL({ loc: locs[1]!, scaleTril: l });
    const one = single.logProb(x[2]![0]!);
    await expect(tf.reshape(tf.slice(lp, [2, 1], [1, 1]), [])).toBeCloseTensor(one, { rtol: 1e-6 });
    expect(d.sample(key(0), [5]).shape).toEqual([5, 2, 3]);
    expect(d.mean().shape).toEqual([2, 3]);
    expect(d.covariance().shape).toEqual([2, 3, 3]);
    expect(d.entropy().shape).toEqual([2]);
    d.dispose();
    single.dispose();
  });
  it('batches scaleTril [2, 2, 2] against loc [2]', () => {
    const d = new MultivariateNormalTriL({ loc: [0, 1], scaleTril: [[[1, 0], [0, 1]], [[2, 0], [1, 1]]] });
    expect(d.batchShape).toEqual([2]);
    expect(d.logProb([0.5, 0.5]).shape).toEqual([2]);
    expect(d.sample(key(1), 3).shape).toEqual([3, 2, 2]);
    d.dispose();
  });
});

/** Sample covariance entry (i, j) around known means, with its Monte Carlo standard error. */
function covWithError(s: Float64Array, d: number, mu: number[], i: number, j: number): { value: number; se: number } {
  const n = s.length / d;
  let m = 0;
  let m2 = 0;
  for (let r = 0; r < n; r++) {
    const p = (s[r * d + i]! - mu[i]!) * (s[r * d + j]! - mu[j]!);
    m += p;
    m2 += p * p;
  }
  m /= n;
  return { value: m, se: Math.sqrt((m2 / n - m * m) / n) };
}

describe('MultivariateNormal sampling', () => {
  it('sample mean and covariance within Monte Carlo error (TriL and FullCovariance)', async () => {
    const mu = [1, -2, 0.5];
    const cov = [
      [2, 0.6, -0.4],
      [0.6, 1, 0.3],
      [-0.4, 0.3, 0.5],
    ];
    const factor = toRowsF64(choleskyF64(fromRowsF64(cov)));
    const dists = [new MultivariateNormalFullCovariance({ loc: mu, covarianceMatrix: cov }), new MultivariateNormalTriL({ loc: mu, scaleTril: factor })];
    for (const [i0, dist] of dists.entries()) {
      const n = 20000;
      const s = await host(dist.sample(key(42 + i0), n));
      for (let i = 0; i < 3; i++) {
        const col = Float64Array.from({ length: n }, (_, r) => s[r * 3 + i]!);
        const check = meanWithinMcError(col, mu[i]!, Math.sqrt(cov[i]![i]!), 4.5);
        expect(check.ok, `mean[${i}] = ${check.mean}, bound ${check.bound}`).toBe(true);
        for (let j = 0; j <= i; j++) {
          const c = covWithError(s, 3, mu, i, j);
          expect(Math.abs(c.value - cov[i]![j]!), `cov[${i}][${j}] = ${c.value}`).toBeLessThan(4.5 * c.se);
        }
      }
      dist.dispose();
    }
  });
  it('a batch of factors [2, 2, 2]: each entry has its own mean and covariance within Monte Carlo error', async () => {
    const ls = [
      [[1, 0], [0.5, 0.8]],
      [[2, 0], [-1, 0.5]],
    ];
    const mu = [0.5, -1];
    const d = new MultivariateNormalTriL({ loc: mu, scaleTril: ls });
    const n = 20000;
    const s = await host(d.sample(key(77), n));
    for (let b = 0; b < 2; b++) {
      const l = ls[b]!;
      const cov = [0, 1].map((i) => [0, 1].map((j) => l[i]![0]! * l[j]![0]! + l[i]![1]! * l[j]![1]!));
      const entry = Float64Array.from({ length: 2 * n }, (_, k) => s[Math.floor(k / 2) * 4 + b * 2 + (k % 2)]!);
      for (let i = 0; i < 2; i++) {
        const col = Float64Array.from({ length: n }, (_, r) => entry[r * 2 + i]!);
        expect(meanWithinMcError(col, mu[i]!, Math.sqrt(cov[i]![i]!), 4.5).ok, `batch ${b} mean ${i}`).toBe(true);
        for (let j = 0; j <= i; j++) {
          const c = covWithError(entry, 2, mu, i, j);
          expect(Math.abs(c.value - cov[i]![j]!), `batch ${b} cov[${i}][${j}] = ${c.value}`).toBeLessThan(4.5 * c.se);
        }
      }
    }
    d.dispose();
  });
  it('reparameterised: d Σ sample / d loc = n, d Σ sample / d L_ij = Σ ε_j (lower triangle), 0 above', async () => {
    const n = 7;
    const k: PRNGKey = split(key(5), 2)[1]!;
    const eps = await host(new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0, 1]] }).sample(k, n));
    const epsSum = [0, 1].map((j) => Array.from({ length: n }, (_, r) => eps[r * 2 + j]!).reduce((a, b) => a + b, 0));
    const [, g] = valueAndGrad((p: { loc: tf.Tensor; scaleTril: tf.Tensor }) =>
      tf.sum(new MultivariateNormalTriL({ loc: p.loc, scaleTril: p.scaleTril, validateArgs: false }).sample(k, n)),
    )({ loc: tf.tensor1d([0.3, -1]), scaleTril: tf.tensor2d([[1.5, 0], [0.4, 0.8]]) });
    const grads = g as { loc: tf.Tensor; scaleTril: tf.Tensor };
    await expect(grads.loc).toBeCloseTensor([n, n]);
    await expect(grads.scaleTril).toBeCloseTensor([[epsSum[0]!, 0], [epsSum[0]!, epsSum[1]!]], { rtol: 1e-5, atol: 1e-5 });
  });
  it('reparameterised: d Σ sample / d scaleDiag_j = Σ ε_j', async () => {
    const n = 6;
    const k = key(9);
    const eps = await host(new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: [1, 1, 1] }).sample(k, n));
    const epsSum = [0, 1, 2].map((j) => Array.from({ length: n }, (_, r) => eps[r * 3 + j]!).reduce((a, b) => a + b, 0));
    const [, g] = valueAndGrad((p: { s: tf.Tensor }) => tf.sum(new MultivariateNormalDiag({ loc: [1, 2, 3], scaleDiag: p.s, validateArgs: false }).sample(k, n)))({
      s: tf.tensor1d([0.5, 2, 3]),
    });
    await expect((g as { s: tf.Tensor }).s).toBeCloseTensor(epsSum, { rtol: 1e-5, atol: 1e-5 });
  });
});

/** Builds a 3 × 3 lower-triangular matrix from its 6 lower entries (row-major), differentiably. */
function lower3(flat: tf.Tensor): tf.Tensor {
  // Index 0 of the padded vector is 0 (the upper triangle).
  const padded = tf.concat([tf.zeros([1]), flat]);
  return tf.reshape(tf.gather(padded, tf.tensor1d([1, 0, 0, 2, 3, 0, 4, 5, 6], 'int32')), [3, 3]);
}

describe('MultivariateNormal gradients', () => {
  const x = [
    [0.3, -1.2, 2],
    [1.1, 0.4, -0.5],
  ];
  it('d logProb / d(loc, scaleTril lower entries) agree with finite differences', async () => {
    await expectGradsMatch(
      (p) => tf.sum(new MultivariateNormalTriL({ loc: p.loc!, scaleTril: lower3(p.l!), validateArgs: false }).logProb(x)),
      { loc: [0.2, -0.3, 0.5], l: [1.3, 0.4, 0.9, -0.2, 0.3, 1.1] },
    );
  });
  it('with a batch of factors: d logProb / d(loc, scaleTril) and the sample gradient agree with finite differences', async () => {
    // Two 2 × 2 factors from 6 lower entries: [[a, 0], [b, c]] per batch entry.
    const build = (flat: tf.Tensor) => tf.reshape(tf.gather(tf.concat([tf.zeros([1]), flat]), tf.tensor1d([1, 0, 2, 3, 4, 0, 5, 6], 'int32')), [2, 2, 2]);
    const xb = [[0.3, -1.2], [1.1, 0.4], [-0.5, 2]];
    const lp = await gradCheck(
      (p) => tf.sum(new MultivariateNormalTriL({ loc: p.loc!, scaleTril: build(p.l!), validateArgs: false }).logProb(tf.reshape(tf.tensor2d(xb), [3, 1, 2]))),
      { loc: [0.2, -0.3], l: [1.3, 0.4, 0.9, 0.7, -0.2, 1.6] },
    );
    expect(lp.worst, lp.detail.join('\n')).toBeLessThan(2e-3);
    const w = [[0.5, -1], [2, 0.3]];
    const sg = await gradCheck(
      (p) => tf.sum(tf.mul(new MultivariateNormalTriL({ loc: [0, 0], scaleTril: build(p.l!), validateArgs: false }).sample(key(3), 4), w)),
      { l: [1.3, 0.4, 0.9, 0.7, -0.2, 1.6] },
    );
    expect(sg.worst, sg.detail.join('\n')).toBeLessThan(2e-3);
  });
  it('d logProb / d scaleDiag and d entropy / d scaleDiag agree with finite differences', async () => {
    const lp = await gradCheck((p) => tf.sum(new MultivariateNormalDiag({ loc: p.loc!, scaleDiag: p.s!, validateArgs: false }).logProb(x)), {
      loc: [0.2, -0.3, 0.5],
      s: [0.7, 1.4, 2.1],
    });
    expect(lp.worst, lp.detail.join('\n')).toBeLessThan(2e-3);
    const ent = await gradCheck((p) => new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: p.s!, validateArgs: false }).entropy(), { s: [0.7, 1.4, 2.1] });
    expect(ent.worst, ent.detail.join('\n')).toBeLessThan(2e-3);
  });
  it('d logProb / d covarianceMatrix agrees with finite differences', async () => {
    await expectGradsMatch(
      (p) => tf.sum(new MultivariateNormalFullCovariance({ loc: [0.2, -0.3, 0.5], covarianceMatrix: tf.reshape(p.c!, [3, 3]), validateArgs: false }).logProb(x)),
      { c: [2, 0.6, -0.4, 0.6, 1, 0.3, -0.4, 0.3, 0.5] },
    );
  });
});

describe('MultivariateNormal errors', () => {
  it('rejects a covariance that is not positive definite, naming the argument and the batch entry', () => {
    expect(() => new MultivariateNormalFullCovariance({ loc: [0, 0], covarianceMatrix: [[1, 2], [2, 1]] })).toThrow(
      /MultivariateNormalFullCovariance: argument 'covarianceMatrix' is not positive definite/,
    );
    expect(
      () =>
        new MultivariateNormalFullCovariance({
          loc: [0, 0],
          covarianceMatrix: [
            [[1, 0], [0, 1]],
            [[1, 0], [0, -1]],
          ],
        }),
    ).toThrow(/'covarianceMatrix' is not positive definite at batch index \[1\]/);
    expect(() => new MultivariateNormalFullCovariance({ loc: [0, 0], covarianceMatrix: [[1, 0.5], [0.2, 1]] })).toThrow(/'covarianceMatrix' must be symmetric/);
    // A tensor covariance is read back and checked the same way on cpu.
    const bad = tf.tensor2d([[1, 3], [3, 1]]);
    expect(() => new MultivariateNormalFullCovariance({ loc: [0, 0], covarianceMatrix: bad })).toThrow(/'covarianceMatrix' is not positive definite/);
    bad.dispose();
  });
  it('rejects a scaleTril that is not lower triangular with a positive diagonal', () => {
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0.5], [0, 1]] })).toThrow(
      /MultivariateNormalTriL: argument 'scaleTril' must be lower triangular with a positive diagonal, got 0.5 above the diagonal/,
    );
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.5, -1]] })).toThrow(/'scaleTril' must be lower triangular with a positive diagonal, got diagonal -1/);
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [1, 2] })).toThrow(/'scaleTril' must have shape \[\.\.\., n, n\]/);
  });
  it('rejects a non-positive scaleDiag and a non-finite loc', () => {
    expect(() => new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 0] })).toThrow(/MultivariateNormalDiag: argument 'scaleDiag' must be positive/);
    expect(() => new MultivariateNormalDiag({ loc: [0, NaN], scaleDiag: [1, 1] })).toThrow(/MultivariateNormalDiag: argument 'loc' must be finite/);
  });
  it('names the arguments on shape mismatches', () => {
    expect(() => new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: [1, 1] })).toThrow(/argument 'loc' has event size 3 but 'scaleDiag' has event size 2/);
    expect(() => new MultivariateNormalTriL({ loc: [[0, 0], [0, 0], [0, 0]], scaleTril: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] })).toThrow(
      /'loc' \[3\] and 'scaleTril' \[2\] do not broadcast/,
    );
    expect(() => new MultivariateNormalTriL({ loc: 0, scaleTril: [[1]] })).toThrow(/argument 'loc' must have rank >= 1/);
    const d = new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0, 1]] });
    expect(() => d.logProb([1, 2, 3])).toThrow(/MultivariateNormalTriL.logProb: argument 'x' must have shape \[\.\.\., 2\]/);
    d.dispose();
  });
  it('frees its tensors when construction fails', async () => {
    await expectNoLeaks(() => {
      expect(() => new MultivariateNormalFullCovariance({ loc: [0, 0], covarianceMatrix: [[1, 2], [2, 1]] })).toThrow();
      expect(() => new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: [1, 1] })).toThrow();
      expect(() => new MultivariateNormalTriL({ loc: [[0, 0], [0, 0], [0, 0]], scaleTril: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] })).toThrow();
    });
  });
});

describe('MultivariateNormal leaks', () => {
  const everything = (d: MultivariateNormalTriL) => [
    d.sample(key(1), [3]),
    d.logProb([0.5, -0.5]),
    d.prob([0.5, -0.5]),
    d.mean(),
    d.mode(),
    d.covariance(),
    d.variance(),
    d.stddev(),
    d.entropy(),
    ...d.sampleAndLogProb(key(2), 2),
  ];
  it('TriL has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new MultivariateNormalTriL({ loc: [0, 1], scaleTril: [[1, 0], [0.3, 2]] });
      const out = everything(d);
      d.dispose();
      return out;
    });
  });
  it('Diag has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new MultivariateNormalDiag({ loc: [0, 1], scaleDiag: [1, 2] });
      const out = everything(d);
      d.dispose();
      return out;
    });
  });
  it('FullCovariance has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new MultivariateNormalFullCovariance({ loc: [0, 1], covarianceMatrix: [[1, 0.3], [0.3, 2]] });
      const out = everything(d);
      d.dispose();
      return out;
    });
  });
});
