import * as tf from '@tensorflow/tfjs-core';
import { Beta } from '@probdl/distributions';
import { Predictive, type ModelContext } from '@probdl/model';
import { adam, exponentialDecay } from '@probdl/optimizers';
import { key, random, tree, type Tree } from '@probdl/tensor-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoDelta, autoLaplaceApproximation, autoMultivariateNormal, autoNormal, svi, type AutoGuide } from '../../src/index.js';
import { lineData, lineModel, scaleModel } from './models.js';

/**
 * A positive site (σ of y ~ N(0, σ²), σ ~ HalfNormal(1), N = 10): the guides live on u = log σ and
 * report σ. Closed forms, with S = Σ y²: the constrained log posterior is −σ²/2 − N log σ − S/(2σ²),
 * whose mode solves σ⁴ + N σ² − S = 0 (AutoDelta, NumPyro's constrained MAP); on u the log-Jacobian u
 * is added, so the mode solves σ⁴ + (N − 1) σ² − S = 0 (AutoLaplace), with precision
 * −d²/du² = 2σ² + 2S/σ² there. Deterministic optimisations: tolerances 1e-3 relative. About 5 s.
 */
const N = 10;
let y: tf.Tensor;
let S = 0;
const mode = (n: number) => Math.sqrt((-n + Math.sqrt(n * n + 4 * S)) / 2);

beforeAll(async () => {
  y = tf.tidy(() => tf.mul(0.7, random.normal(key(5), [N])));
  S = Array.from(await y.data()).reduce((a, v) => a + v * v, 0);
});
afterAll(() => y.dispose());

const optimizer = (steps: number) => adam(exponentialDecay(0.1, steps, 0.01));

describe('constrained sites', () => {
  it('AutoDelta reports the MAP of the constrained density in constrained space', async () => {
    const guide = autoDelta(scaleModel);
    const r = await svi(scaleModel, guide, optimizer(300)).run(key(1), 300, [y]);
    const med = guide.median(r.params);
    const sigma = (await med.sigma!.data())[0]!;
    expect(Math.abs(sigma / mode(N) - 1)).toBeLessThan(1e-3);
    // and not the mode on the unconstrained position, which differs here by several per cent
    expect(Math.abs(mode(N - 1) / mode(N) - 1)).toBeGreaterThan(0.02);
    expect(Math.exp((await r.params.loc.sigma!.data())[0]!)).toBeCloseTo(sigma, 5);
    tf.dispose(Object.values(med));
    svi(scaleModel, guide, adam(0.1)).disposeState(r.state);
    guide.dispose();
  });

  it('AutoLaplaceApproximation: MAP on the unconstrained position, Gaussian there, quantiles mapped by exp', async () => {
    const guide = autoLaplaceApproximation(scaleModel);
    const r = await svi(scaleModel, guide, optimizer(300)).run(key(1), 300, [y]);
    const m = mode(N - 1);
    const sdU = 1 / Math.sqrt(2 * m * m + (2 * S) / (m * m));
    const q = guide.quantiles(r.params, [0.15865525, 0.5, 0.84134475]);
    const got = Array.from(await q.sigma!.data());
    const want = [m * Math.exp(-sdU), m, m * Math.exp(sdU)];
    for (let i = 0; i < 3; i++) expect(Math.abs(got[i]! / want[i]! - 1), `quantile ${i}`).toBeLessThan(1e-3);
    tf.dispose(Object.values(q));
    tree.dispose([r.params, r.state.optState]);
    guide.dispose();
  });

  it('AutoNormal: median, quantiles and draws of σ are exp of the Normal on log σ', async () => {
    const guide = autoNormal(scaleModel);
    const r = await svi(scaleModel, guide, optimizer(200)).run(key(2), 200, [y]);
    const loc = (await r.params.loc.sigma!.data())[0]!;
    const raw = (await r.params.rawScale.sigma!.data())[0]!;
    const scale = Math.log1p(Math.exp(raw));
    const z90 = 1.2815515655446004;
    const med = guide.median(r.params);
    const q = guide.quantiles(r.params, [0.1, 0.9]);
    expect((await med.sigma!.data())[0]).toBeCloseTo(Math.exp(loc), 5);
    const qv = await q.sigma!.data();
    expect(qv[0]! / Math.exp(loc - z90 * scale)).toBeCloseTo(1, 5);
    expect(qv[1]! / Math.exp(loc + z90 * scale)).toBeCloseTo(1, 5);
    // 20,000 draws: all positive, and the fraction below the 10 % quantile is 0.1 within 4 SE (SE = √(0.09/n) = 0.0021).
    const draws = guide.sample(key(3), r.params, 20000);
    expect(draws.sigma!.shape).toEqual([20000]);
    const d = await draws.sigma!.data();
    expect(d.every((v) => v > 0)).toBe(true);
    const below = d.filter((v) => v < qv[0]!).length / d.length;
    expect(Math.abs(below - 0.1)).toBeLessThan(4 * Math.sqrt(0.09 / d.length));
    tf.dispose([...Object.values(med), ...Object.values(q), ...Object.values(draws)]);
    tree.dispose([r.params, r.state.optState]);
    guide.dispose();
  });
});

describe('a site on (0, 1)', () => {
  // θ ~ Beta(3, 5) and nothing else: the constrained mode is (a − 1)/(a + b − 2) = 1/3 (AutoDelta);
  // on logit θ the density gains the Jacobian θ(1 − θ), so the mode is a/(a + b) = 3/8 (AutoLaplace).
  const betaModel = (ctx: ModelContext) => void ctx.sample('theta', new Beta({ concentration1: 3, concentration0: 5 }));
  it('AutoDelta and AutoLaplace find the two modes through the interval bijection (and its gradient)', async () => {
    for (const [guide, want] of [
      [autoDelta(betaModel), 1 / 3],
      [autoLaplaceApproximation(betaModel), 3 / 8],
    ] as const) {
      const r = await svi(betaModel, guide as AutoGuide<Tree, []>, optimizer(300)).run(key(11), 300, []);
      const med = guide.median(r.params as never);
      expect(Math.abs((await med.theta!.data())[0]! - want), guide.name).toBeLessThan(1e-3);
      tf.dispose(Object.values(med));
      tree.dispose([r.params, r.state.optState]);
      guide.dispose();
    }
  });
});

describe('Predictive with an autoguide', () => {
  it('takes the guide as a model, or its draws as posteriorSamples', async () => {
    const { x, y: yObs } = await lineData();
    const guide = autoMultivariateNormal(lineModel);
    const r = await svi(lineModel, guide, adam(0.05), { numParticles: 4 }).run(key(4), 200, [x, yObs]);
    const xNew = tf.tensor1d([-1, 0, 1]);
    const start = tf.memory().numTensors;
    const viaGuide = new Predictive(lineModel, { guide: guide.asModel(r.params), numSamples: 300, returnSites: ['w', 'b', 'y'] }).sample(key(5), xNew);
    const posterior = guide.sample(key(6), r.params, 300);
    const viaSamples = new Predictive(lineModel, { posteriorSamples: posterior }).sample(key(7), xNew);
    expect(viaGuide.y!.shape).toEqual([300, 3]);
    expect(viaSamples.y!.shape).toEqual([300, 3]);
    expect(viaGuide.w!.shape).toEqual([300]);
    // The guide's draws of w have the guide's mean: within 4 SE of its median (SE = sd / √300).
    const med = guide.median(r.params);
    const q = guide.quantiles(r.params, [0.84134475]);
    const wMed = (await med.w!.data())[0]!;
    const wSd = (await q.w!.data())[0]! - wMed;
    const meanOf = async (f: () => tf.Tensor): Promise<number> => {
      const t = tf.tidy(f);
      const v = (await t.data())[0]!;
      t.dispose();
      return v;
    };
    const wMean = await meanOf(() => tf.mean(viaGuide.w!));
    expect(Math.abs(wMean - wMed)).toBeLessThan((4 * wSd) / Math.sqrt(300));
    // Both routes give predictions at x = 1 with the same mean within 4 SE of a difference (sd of y about 0.55).
    const m1 = await meanOf(() => tf.mean(tf.slice(viaGuide.y!, [0, 2], [300, 1])));
    const m2 = await meanOf(() => tf.mean(tf.slice(viaSamples.y!, [0, 2], [300, 1])));
    expect(Math.abs(m1 - m2)).toBeLessThan(4 * 0.6 * Math.sqrt(2 / 300));
    tf.dispose([...Object.values(viaGuide), ...Object.values(posterior), ...Object.values(viaSamples), ...Object.values(med), ...Object.values(q)]);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x, yObs, xNew]);
    tree.dispose([r.params, r.state.optState]);
    guide.dispose();
  });
});
