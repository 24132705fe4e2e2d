import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { MultivariateNormalTriL } from '../../src/multivariate/multivariate-normal-tril.js';
import { MultivariateNormalDiag } from '../../src/multivariate/multivariate-normal-diag.js';
import { MultivariateNormalFullCovariance } from '../../src/multivariate/multivariate-normal-full-covariance.js';
import { kl } from '../../src/kl/kl.js';
import { klMonteCarlo, klMonteCarloWithError } from '../../src/kl/monte-carlo.js';
import { casesOf } from '../helpers/reference.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { choleskyHost, expectKlMatchesMonteCarlo, expectZeroSelfAndNonNegative } from './helpers.js';

describe('KL(MVN || MVN) against mpmath', () => {
  for (const c of casesOf('KL_MVN_MVN')) {
    it(`dim ${c.dim}${c.note ? ` (${c.note.split(':')[0]})` : ''}`, async () => {
      // The factors are computed on the host in float64 from the reference covariances (input preparation).
      const p = new MultivariateNormalTriL({ loc: c.p_mean, scaleTril: choleskyHost(c.p_cov) });
      const q = new MultivariateNormalTriL({ loc: c.q_mean, scaleTril: choleskyHost(c.q_cov) });
      // float32: two triangular solves and a log-det: relative 2e-5 of the value (the inputs are rounded
      // to float32, and tr(Σq⁻¹Σp) amplifies that by about cond(Lq) ≤ 30 here) plus absolute 1e-5.
      await expect(kl(p, q)).toBeCloseTensor(c.mp_kl, { rtol: 2e-5, atol: 1e-5 });
      if (c.kl_q_p !== undefined) {
        // The reverse direction: the reference's float64 numpy value (no mp value is given for it).
        await expect(kl(q, p)).toBeCloseTensor(c.kl_q_p, { rtol: 2e-5, atol: 1e-5 });
      }
      p.dispose();
      q.dispose();
    });
  }
});

describe('kl(MVN, MVN)', () => {
  const pLoc = [
    [0.5, -1, 0.2],
    [1, 0, -0.5],
  ];
  const pTril = [
    [1.2, 0, 0],
    [0.3, 0.8, 0],
    [-0.4, 0.2, 0.5],
  ];
  const qLoc = [0, 0.3, -0.2];
  const qTril = [
    [
      [1.5, 0, 0],
      [-0.2, 1.1, 0],
      [0.3, 0.1, 0.9],
    ],
    [
      [0.9, 0, 0],
      [0.5, 1.3, 0],
      [0.1, -0.6, 1.2],
    ],
  ];
  it('agrees with the Monte Carlo estimate, with broadcasting batch shapes', async () => {
    const p = new MultivariateNormalTriL({ loc: pLoc, scaleTril: pTril });
    const q = new MultivariateNormalTriL({ loc: qLoc, scaleTril: qTril });
    expect(p.batchShape).toEqual([2]);
    await expectKlMatchesMonteCarlo(p, q, 21);
    await expectZeroSelfAndNonNegative(p, q, 1e-5);
    p.dispose();
    q.dispose();
  });
  it('broadcasts [2] against [3, 1] to [3, 2]', async () => {
    const p = new MultivariateNormalTriL({ loc: pLoc, scaleTril: pTril });
    const q = new MultivariateNormalTriL({ loc: [[[0, 0, 0]], [[1, 0, 0]], [[0, 2, 0]]], scaleTril: qTril[0]! });
    expect(q.batchShape).toEqual([3, 1]);
    const v = kl(p, q);
    expect(v.shape).toEqual([3, 2]);
    v.dispose();
    await expectKlMatchesMonteCarlo(p, q, 22);
    p.dispose();
    q.dispose();
  });
  it('reads only the lower triangle of scaleTril', async () => {
    const upperJunk = pTril.map((row, i) => row.map((v, j) => (j > i ? 7 : v)));
    const p1 = new MultivariateNormalTriL({ loc: pLoc[0]!, scaleTril: pTril });
    const p2 = new MultivariateNormalTriL({ loc: pLoc[0]!, scaleTril: upperJunk, validateArgs: false });
    const q = new MultivariateNormalTriL({ loc: qLoc, scaleTril: qTril[1]! });
    const a = kl(p1, q);
    await expect(kl(p2, q)).toBeCloseTensor(a, { rtol: 1e-6 });
    a.dispose();
    [p1, p2, q].forEach((d) => d.dispose());
  });
  it('gradients wrt loc and scaleTril of both sides agree with finite differences', async () => {
    await expectGradsMatch(
      (t) => {
        const p = new MultivariateNormalTriL({ loc: t.pl!, scaleTril: tf.reshape(t.ps!, [2, 2]), validateArgs: false });
        const q = new MultivariateNormalTriL({ loc: t.ql!, scaleTril: tf.reshape(t.qs!, [2, 2]), validateArgs: false });
        return tf.sum(kl(p, q));
      },
      { pl: [0.3, -1], ps: [1.2, 0, 0.4, 0.7], ql: [1.1, 0.4], qs: [0.9, 0, -0.3, 1.4] },
    );
  });
  it('has no leaks', async () => {
    const p = new MultivariateNormalTriL({ loc: pLoc, scaleTril: pTril });
    const q = new MultivariateNormalTriL({ loc: qLoc, scaleTril: qTril });
    await expectNoLeaks(() => {
      const { estimate, stderr } = klMonteCarloWithError(p, q, key(1), 10);
      return [kl(p, q), klMonteCarlo(p, q, key(2), 10), estimate, stderr];
    });
    p.dispose();
    q.dispose();
  });
});

describe('kl over the MVN scale forms (Diag and FullCovariance are MultivariateNormalTriL subclasses)', () => {
  const c = casesOf('KL_MVN_MVN').find((e) => e.dim === 3 && e.note === undefined);
  it('FullCovariance–FullCovariance and mixed forms match the reference value', async () => {
    if (!c) return;
    const pFull = new MultivariateNormalFullCovariance({ loc: c.p_mean, covarianceMatrix: c.p_cov });
    const qFull = new MultivariateNormalFullCovariance({ loc: c.q_mean, covarianceMatrix: c.q_cov });
    const qTril = new MultivariateNormalTriL({ loc: c.q_mean, scaleTril: choleskyHost(c.q_cov) });
    await expect(kl(pFull, qFull)).toBeCloseTensor(c.mp_kl, { rtol: 5e-5, atol: 1e-5 });
    await expect(kl(pFull, qTril)).toBeCloseTensor(c.mp_kl, { rtol: 5e-5, atol: 1e-5 });
    [pFull, qFull, qTril].forEach((d) => d.dispose());
  });
  it('Diag–Diag matches the reference diagonal-vs-N(0, I) case, and Diag–TriL agrees', async () => {
    const d = casesOf('KL_MVN_MVN').find((e) => e.note !== undefined);
    if (!d) return;
    const sd = (d.p_cov as number[][]).map((row, i) => Math.sqrt(row[i]!));
    const p = new MultivariateNormalDiag({ loc: d.p_mean, scaleDiag: sd });
    const q = new MultivariateNormalDiag({ loc: d.q_mean, scaleDiag: [1, 1, 1] });
    const qTril = new MultivariateNormalTriL({ loc: d.q_mean, scaleTril: choleskyHost(d.q_cov) });
    await expect(kl(p, q)).toBeCloseTensor(d.mp_kl, { rtol: 2e-6, atol: 1e-6 });
    await expect(kl(p, qTril)).toBeCloseTensor(d.mp_kl, { rtol: 2e-5, atol: 1e-5 });
    [p, q, qTril].forEach((e) => e.dispose());
  });
  it('Diag–Diag with batches agrees with Monte Carlo and its gradient with finite differences', async () => {
    const p = new MultivariateNormalDiag({ loc: [[0, 1], [0.5, -0.5]], scaleDiag: [0.7, 1.3] });
    const q = new MultivariateNormalDiag({ loc: [0.2, 0.1], scaleDiag: [[1.1, 0.6]] });
    await expectKlMatchesMonteCarlo(p, q, 31);
    await expectZeroSelfAndNonNegative(p, q);
    p.dispose();
    q.dispose();
    await expectGradsMatch(
      (t) => tf.sum(kl(new MultivariateNormalDiag({ loc: t.pl!, scaleDiag: t.ps!, validateArgs: false }), new MultivariateNormalDiag({ loc: t.ql!, scaleDiag: t.qs!, validateArgs: false }))),
      { pl: [0.3, -1], ps: [0.8, 1.7], ql: [1.1, 0.4], qs: [1.2, 0.5] },
    );
  });
});
