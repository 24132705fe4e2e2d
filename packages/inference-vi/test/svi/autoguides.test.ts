import * as tf from '@tensorflow/tfjs-core';
import { adam, exponentialDecay } from '@probdl/optimizers';
import { key, tree, type Tree } from '@probdl/tensor-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  autoDelta,
  autoDiagonalNormal,
  autoLaplaceApproximation,
  autoLowRankMultivariateNormal,
  autoMultivariateNormal,
  autoNormal,
  fullRankNormal,
  lowRankPlusDiagonal,
  svi,
  type AutoGuide,
  type VariationalFamily,
} from '../../src/index.js';
import { lineData, lineModel, linePosterior } from './models.js';

/**
 * Every autoguide on the conjugate line model (posterior over (w, b) exactly Gaussian) against the
 * exact posterior. The Gaussian guides train with sticking-the-landing gradients: once q equals the
 * best member of the family the gradient has zero variance, so the fit converges to the family's
 * optimum up to the optimizer's own error (a decaying learning rate makes that small); the checks
 * read the fitted parameters (median, marginal quantiles, the family's covariance), not draws, so no
 * Monte Carlo error enters. Tolerances: means within 0.05 posterior sd, sds within 5 %, the
 * correlation within 0.05 (the low-rank guide, whose factor starts near 0, 10 %); AutoDelta and
 * AutoLaplace solve a deterministic optimisation and get 2e-3 of an sd (sds 1e-3: float32 Hessian).
 * Measured (400 steps): every mean within 0.005 sd, every sd ratio within 0.001 of its target.
 * About 25 s on a loaded 2-core cpu (the full-rank guide's steps are the slow ones).
 */
let data: Awaited<ReturnType<typeof lineData>>;
let exact: ReturnType<typeof linePosterior>;
let sd: [number, number];
let rho: number;

beforeAll(async () => {
  data = await lineData();
  exact = linePosterior(data.xs, data.ys);
  sd = [Math.sqrt(exact.cov[0][0]), Math.sqrt(exact.cov[1][1])];
  rho = exact.cov[0][1] / (sd[0] * sd[1]);
});
afterAll(() => tf.dispose([data.x, data.y]));

const lr = (steps: number) => exponentialDecay(0.1, steps, 0.01);

async function fit<P extends Tree>(guide: AutoGuide<P, [tf.Tensor, tf.Tensor]>, steps: number, particles = 4): Promise<P> {
  const result = await svi(lineModel, guide, adam(lr(steps)), { numParticles: particles, loss: { stickingTheLanding: true } }).run(key(3), steps, [data.x, data.y]);
  tree.dispose(result.state.optState);
  return result.params;
}

/** Median and marginal sd (from the 84.13 % quantile, Φ⁻¹ = 1) of w and b, read from the guide. */
async function summary<P extends Tree>(guide: AutoGuide<P>, params: P): Promise<{ mean: number[]; sd: number[] }> {
  const med = guide.median(params);
  const q = guide.quantiles(params, [0.841344746]);
  const mean = [(await med.w!.data())[0]!, (await med.b!.data())[0]!];
  const upper = [(await q.w!.data())[0]!, (await q.b!.data())[0]!];
  tf.dispose([...Object.values(med), ...Object.values(q)]);
  return { mean, sd: upper.map((u, i) => u - mean[i]!) };
}

function expectMeans(mean: number[], tol: number): void {
  for (let i = 0; i < 2; i++) expect(Math.abs(mean[i]! - exact.mean[i]!) / sd[i]!, `mean ${i}`).toBeLessThan(tol);
}

/** The w–b correlation of `family.distribution(params)`, read from its covariance. */
async function correlationOf<P extends Tree>(family: VariationalFamily<P>, params: P): Promise<number> {
  const q = family.distribution(params) as unknown as { covariance(): tf.Tensor; dispose(): void };
  const covT = q.covariance();
  const cov = await covT.data();
  covT.dispose();
  q.dispose();
  return cov[1]! / Math.sqrt(cov[0]! * cov[3]!);
}

describe('autoguides on a conjugate model against the exact posterior', () => {
  it('AutoMultivariateNormal recovers the exact mean and covariance', async () => {
    const guide = autoMultivariateNormal(lineModel);
    const params = await fit(guide, 400);
    const s = await summary(guide, params);
    expectMeans(s.mean, 0.05);
    for (let i = 0; i < 2; i++) expect(s.sd[i]! / sd[i]!).toBeCloseTo(1, 1);
    for (let i = 0; i < 2; i++) expect(Math.abs(s.sd[i]! / sd[i]! - 1)).toBeLessThan(0.05);
    expect(Math.abs((await correlationOf(fullRankNormal(), params)) - rho)).toBeLessThan(0.05);
    tree.dispose(params);
    guide.dispose();
  });

  it('AutoLowRankMultivariateNormal (rank 1 spans every 2 × 2 covariance) recovers them too', async () => {
    const guide = autoLowRankMultivariateNormal(lineModel, { rank: 1 });
    const params = await fit(guide, 400);
    const s = await summary(guide, params);
    expectMeans(s.mean, 0.05);
    for (let i = 0; i < 2; i++) expect(Math.abs(s.sd[i]! / sd[i]! - 1)).toBeLessThan(0.1);
    expect(Math.abs((await correlationOf(lowRankPlusDiagonal({ rank: 1 }), params)) - rho)).toBeLessThan(0.1);
    tree.dispose(params);
    guide.dispose();
  });

  it('AutoNormal and AutoDiagonalNormal find the mean-field optimum: exact means, sd = 1/√(precision_ii)', async () => {
    // For a Gaussian target N(m, Λ⁻¹) the best fully factorised Gaussian has mean m and variances 1/Λ_ii.
    const det = exact.cov[0][0] * exact.cov[1][1] - exact.cov[0][1] ** 2;
    const mfSd = [Math.sqrt(det / exact.cov[1][1]), Math.sqrt(det / exact.cov[0][0])];
    for (const guide of [autoNormal(lineModel), autoDiagonalNormal(lineModel)] as AutoGuide<Tree, [tf.Tensor, tf.Tensor]>[]) {
      const params = await fit(guide, 400);
      const s = await summary(guide, params);
      expectMeans(s.mean, 0.05);
      for (let i = 0; i < 2; i++) expect(Math.abs(s.sd[i]! / mfSd[i]! - 1), `${guide.name} sd ${i}`).toBeLessThan(0.05);
      tree.dispose(params);
      guide.dispose();
    }
  });

  it('AutoNormal keeps its parameters per site', async () => {
    const guide = autoNormal(lineModel);
    const params = await guide.init(key(0), data.x, data.y);
    expect(Object.keys(params.loc).sort()).toEqual(['b', 'w']);
    expect(Object.keys(params.rawScale).sort()).toEqual(['b', 'w']);
    expect(params.loc.w!.shape).toEqual([]);
    tree.dispose(params);
    guide.dispose();
  });

  it('AutoDelta finds the MAP (the posterior mean of a Gaussian posterior)', async () => {
    const guide = autoDelta(lineModel);
    const params = await fit(guide, 400, 1);
    const s = await summary(guide, params);
    expectMeans(s.mean, 2e-3);
    expect(s.sd).toEqual([0, 0]);
    tree.dispose(params);
    guide.dispose();
  });

  it('AutoLaplaceApproximation finds the MAP and the exact covariance from the Hessian', async () => {
    const guide = autoLaplaceApproximation(lineModel);
    const params = await fit(guide, 400, 1);
    const s = await summary(guide, params);
    expectMeans(s.mean, 2e-3);
    for (let i = 0; i < 2; i++) expect(Math.abs(s.sd[i]! / sd[i]! - 1)).toBeLessThan(1e-3);
    // The covariance of its draws: 20,000 draws give the correlation within about (1 - ρ²)/√n ≈ 0.007.
    const draws = guide.sample(key(9), params, 20000);
    const w = await draws.w!.data();
    const b = await draws.b!.data();
    let mw = 0;
    let mb = 0;
    for (let i = 0; i < w.length; i++) [mw, mb] = [mw + w[i]! / w.length, mb + b[i]! / w.length];
    let cww = 0;
    let cbb = 0;
    let cwb = 0;
    for (let i = 0; i < w.length; i++) [cww, cbb, cwb] = [cww + (w[i]! - mw) ** 2, cbb + (b[i]! - mb) ** 2, cwb + (w[i]! - mw) * (b[i]! - mb)];
    expect(Math.abs(cwb / Math.sqrt(cww * cbb) - rho)).toBeLessThan(0.03);
    tf.dispose(Object.values(draws));
    tree.dispose(params);
    guide.dispose();
  });
});
