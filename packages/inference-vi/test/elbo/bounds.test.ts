import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { key, random, valueAndGrad } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { elbo, elboTerms, meanFieldNormal, negativeElbo, type ElboOptions, type MeanFieldNormalParams } from '../../src/index.js';
import { PRECISION, TARGET, gaussianTarget, hostMeanFieldElbo, meanAndSe } from './gaussian-target.js';

// q is a mean-field Gaussian that does not match the correlated target (KL(q‖p) ≈ 0.9), so the bounds differ.
const MU = [0.2, -0.5];
const S_RAW = [0.1, -0.3];
const family = meanFieldNormal();
const params = (): MeanFieldNormalParams => ({ loc: tf.tensor1d(MU), rawScale: tf.tensor1d(S_RAW) });
const hostS = S_RAW.map((r) => Math.log1p(Math.exp(r)));
const sigmoid = (r: number): number => 1 / (1 + Math.exp(-r));

async function host(t: tf.Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data());
}

describe('ELBO, IWAE and Rényi bounds on a Gaussian target with known evidence', () => {
  const analytic = hostMeanFieldElbo(MU, hostS);

  it('the reparameterised ELBO is unbiased for logZ − KL (within 4 standard errors); analytic entropy agrees', async () => {
    const { logDensity, dispose } = gaussianTarget();
    const p = params();
    const mc = elboTerms(key(1), logDensity, family, p, { numSamples: 4000 });
    const { mean, se } = meanAndSe(await host(mc.terms));
    expect(Math.abs(mean - analytic.elbo)).toBeLessThan(4 * se);
    expect(Math.abs((await host(mc.value))[0]! - mean)).toBeLessThan(1e-4);
    // Same draws, H[q] in closed form: the two estimators differ only by the zero-mean −log q − H term.
    const ent = elboTerms(key(1), logDensity, family, p, { numSamples: 4000, entropy: 'analytic' });
    const e = meanAndSe(await host(ent.terms));
    expect(Math.abs(e.mean - analytic.elbo)).toBeLessThan(4 * e.se);
    tf.dispose([mc.value, mc.terms, ent.value, ent.terms, p.loc, p.rawScale]);
    dispose();
  });

  it('IWAE-K ≥ ELBO group by group (Jensen), its mean lies above the ELBO and below logZ; Rényi orders with α', async () => {
    const { logDensity, dispose } = gaussianTarget();
    const p = params();
    const k = 10;
    const s = 4000;
    const eps = random.normal(key(2), [s, 2]);
    const opts = (o: ElboOptions): ElboOptions => ({ eps, k, ...o });
    const w = await host(elboTerms(undefined, logDensity, family, p, { eps }).terms);
    const iwae = await host(elboTerms(undefined, logDensity, family, p, opts({ estimator: 'iwae' })).terms);
    const r0 = await host(elboTerms(undefined, logDensity, family, p, opts({ estimator: 'renyi', alpha: 0 })).terms);
    const rHalf = await host(elboTerms(undefined, logDensity, family, p, opts({ estimator: 'renyi', alpha: 0.5 })).terms);
    const rNeg = await host(elboTerms(undefined, logDensity, family, p, opts({ estimator: 'renyi', alpha: -1 })).terms);
    const r1 = await host(elboTerms(undefined, logDensity, family, p, opts({ estimator: 'renyi', alpha: 1 })).terms);
    const rNear1 = await host(elboTerms(undefined, logDensity, family, p, opts({ estimator: 'renyi', alpha: 0.999 })).terms);
    expect(iwae.length).toBe(s / k);
    // Host float64 IWAE per group from the per-draw log weights.
    for (let g = 0; g < s / k; g++) {
      const grp = Array.from(w.subarray(g * k, (g + 1) * k));
      const mx = Math.max(...grp);
      const hostIwae = mx + Math.log(grp.reduce((a, b) => a + Math.exp(b - mx), 0) / k);
      const groupElbo = grp.reduce((a, b) => a + b, 0) / k;
      expect(Math.abs(iwae[g]! - hostIwae)).toBeLessThan(1e-4);
      expect(iwae[g]!).toBeGreaterThanOrEqual(groupElbo - 1e-5); // Jensen, for the same draws
      expect(Math.abs(r0[g]! - iwae[g]!)).toBeLessThan(1e-5); // α = 0 is IWAE
      expect(rNeg[g]!).toBeGreaterThanOrEqual(iwae[g]! - 1e-5); // the bound decreases in α
      expect(rHalf[g]!).toBeLessThanOrEqual(iwae[g]! + 1e-5);
      expect(rHalf[g]!).toBeGreaterThanOrEqual(groupElbo - 1e-5);
      expect(Math.abs(r1[g]! - groupElbo)).toBeLessThan(1e-4); // α = 1 is the ELBO
      // α → 1: the bound is groupElbo + (1−α)/2 Var_group(w) + O((1−α)²); Var(w) here is below 20.
      expect(Math.abs(rNear1[g]! - groupElbo)).toBeLessThan(0.001 * 20);
    }
    const iw = meanAndSe(iwae);
    const el = meanAndSe(w);
    // E[IWAE-10] lies in (ELBO, logZ]: more than 4 standard errors above the analytic ELBO, below logZ + 4 SE.
    expect(iw.mean - analytic.elbo).toBeGreaterThan(4 * iw.se);
    expect(iw.mean).toBeLessThan(TARGET.logZ + 4 * iw.se);
    expect(Math.abs(el.mean - analytic.elbo)).toBeLessThan(4 * el.se);
    tf.dispose([eps, p.loc, p.rawScale]);
    dispose();
  });
});

/** The analytic ELBO gradient of the mean-field q at (MU, softplus(S_RAW)), float64. */
function analyticGrad(): { dMu: number[]; dRho: number[] } {
  const a = hostMeanFieldElbo(MU, hostS);
  return { dMu: a.dMu, dRho: a.dS.map((v, i) => v * sigmoid(S_RAW[i]!)) };
}

describe('gradients', () => {
  it('the reparameterised gradient with fixed draws matches a float64 host gradient', async () => {
    const { logDensity, dispose } = gaussianTarget();
    const p = params();
    const eps = random.normal(key(3), [64, 2]);
    const [value, g] = valueAndGrad((q: MeanFieldNormalParams) => elbo(undefined, logDensity, family, q, { eps }))(p);
    // ELBO-hat = mean_s log p(μ + s⊙ε_s) + Σ log s + const, so ∂μ = mean_s ∇log p(z_s) and
    // ∂s_i = mean_s ∇_i log p(z_s) ε_si + 1/s_i; ∂ρ = ∂s · sigmoid(ρ).
    const e = await host(eps);
    const dMu = [0, 0];
    const dS = [0, 0];
    for (let n = 0; n < 64; n++) {
      const z = [MU[0]! + hostS[0]! * e[2 * n]!, MU[1]! + hostS[1]! * e[2 * n + 1]!];
      const d = [z[0]! - TARGET.m[0]!, z[1]! - TARGET.m[1]!];
      const gz = [-(PRECISION[0]![0]! * d[0]! + PRECISION[0]![1]! * d[1]!), -(PRECISION[1]![0]! * d[0]! + PRECISION[1]![1]! * d[1]!)];
      for (let i = 0; i < 2; i++) {
        dMu[i]! += gz[i]! / 64;
        dS[i]! += (gz[i]! * e[2 * n + i]!) / 64;
      }
    }
    const dRho = dS.map((v, i) => (v + 1 / hostS[i]!) * sigmoid(S_RAW[i]!));
    await expect(g.loc).toBeCloseTensor(dMu, { rtol: 1e-4, atol: 1e-5 });
    await expect(g.rawScale).toBeCloseTensor(dRho, { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([value, g.loc, g.rawScale, eps, p.loc, p.rawScale]);
    dispose();
  });

  it('score-function, reparameterised and sticking-the-landing gradients are unbiased for the analytic gradient', async () => {
    const { logDensity, dispose } = gaussianTarget();
    const p = params();
    const analytic = hostMeanFieldElbo(MU, hostS);
    const exact = [...analytic.dMu, ...analytic.dS.map((v, i) => v * sigmoid(S_RAW[i]!))];
    const replicates = 40;
    const run = async (o: ElboOptions): Promise<number[][]> => {
      const out: number[][] = [];
      const vg = valueAndGrad((q: MeanFieldNormalParams, k: ReturnType<typeof key>) => elbo(k, logDensity, family, q, o));
      for (let r = 0; r < replicates; r++) {
        const [v, g] = vg(p, key(100 + r));
        out.push([...(await host(g.loc)), ...(await host(g.rawScale))]);
        tf.dispose([v, g.loc, g.rawScale]);
      }
      return out;
    };
    // Each estimator's replicate mean is within 4 standard errors (from the spread over 40 independent
    // replicates of 200 draws) of the float64 analytic gradient, coordinate by coordinate.
    const ses: Record<string, number[]> = {};
    for (const [name, o] of [
      ['score', { estimator: 'scoreFunction', numSamples: 200 }],
      ['reparam', { numSamples: 200 }],
      ['stl', { numSamples: 200, stickingTheLanding: true }],
    ] as const) {
      const g = await run(o as ElboOptions);
      ses[name] = [];
      for (let j = 0; j < 4; j++) {
        const { mean, se } = meanAndSe(g.map((row) => row[j]!));
        expect(Math.abs(mean - exact[j]!)).toBeLessThan(4 * se + 1e-6);
        ses[name]!.push(se);
      }
    }
    // The score-function estimator is the noisy one.
    expect(ses.score![0]!).toBeGreaterThan(ses.reparam![0]!);
    tf.dispose([p.loc, p.rawScale]);
    dispose();
  });

  it('a family that is not reparameterised gets unbiased score-function gradients from its own sampler', async () => {
    const { logDensity, dispose } = gaussianTarget();
    const p = params();
    // The mean-field family with its reparameterisation hidden: draws come from distribution().sample.
    const opaque: typeof family = {
      ...family,
      name: 'opaque',
      reparameterized: false,
      fromNoise: () => {
        throw new Error('not reparameterisable');
      },
    };
    expect(() => elbo(key(0), logDensity, opaque, p, { numSamples: 4 })).toThrow(/opaque is not reparameterised; use estimator 'scoreFunction'/);
    const exact = [...analyticGrad().dMu, ...analyticGrad().dRho];
    const vg = valueAndGrad((q: MeanFieldNormalParams, k: ReturnType<typeof key>) => elbo(k, logDensity, opaque, q, { estimator: 'scoreFunction', numSamples: 200 }));
    const rows: number[][] = [];
    for (let r = 0; r < 40; r++) {
      const [v, g] = vg(p, key(500 + r));
      rows.push([...(await host(g.loc)), ...(await host(g.rawScale))]);
      tf.dispose([v, g.loc, g.rawScale]);
    }
    // 4 standard errors over 40 independent replicates, per coordinate.
    for (let j = 0; j < 4; j++) {
      const { mean, se } = meanAndSe(rows.map((row) => row[j]!));
      expect(Math.abs(mean - exact[j]!)).toBeLessThan(4 * se);
    }
    tf.dispose([p.loc, p.rawScale]);
    dispose();
  });

  it('sticking the landing has zero gradient variance when q is the target', async () => {
    const m = tf.tensor1d([0.5, -1]);
    const logDensity = (z: tf.Tensor): tf.Tensor => tf.tidy(() => tf.sub(tf.mul(-0.5, tf.sum(tf.square(tf.div(tf.sub(z, m), 0.7)), 1)), Math.log(2 * Math.PI * 0.49)));
    const raw = Math.log(Math.expm1(0.7));
    const p = { loc: tf.tensor1d([0.5, -1]), rawScale: tf.tensor1d([raw, raw]) };
    const vg = valueAndGrad((q: MeanFieldNormalParams) => elbo(key(5), logDensity, family, q, { numSamples: 8, stickingTheLanding: true }));
    const [v, g] = vg(p);
    await expect(g.loc).toBeCloseTensor([0, 0], { atol: 1e-4 });
    await expect(g.rawScale).toBeCloseTensor([0, 0], { atol: 1e-4 });
    const [v2, g2] = valueAndGrad((q: MeanFieldNormalParams) => elbo(key(5), logDensity, family, q, { numSamples: 8 }))(p);
    // Without STL the score term remains: nonzero for a finite sample.
    expect(Math.max(...Array.from(await g2.rawScale.data()).map(Math.abs))).toBeGreaterThan(1e-3);
    tf.dispose([m, v, g.loc, g.rawScale, v2, g2.loc, g2.rawScale, p.loc, p.rawScale]);
  });
});

describe('options, errors and leaks', () => {
  it('negativeElbo is −elbo; a LogDensityModel-like object is accepted', async () => {
    const { logDensity, dispose } = gaussianTarget();
    const p = params();
    const a = elbo(key(0), logDensity, family, p, { numSamples: 16 });
    const b = negativeElbo(key(0), { logDensityFn: logDensity, dim: 2 }, family, p, { numSamples: 16 });
    expect((await host(a))[0]!).toBeCloseTo(-(await host(b))[0]!, 6);
    tf.dispose([a, b, p.loc, p.rawScale]);
    dispose();
  });

  it('errors name the function and the argument', () => {
    const { logDensity, dispose } = gaussianTarget();
    const p = params();
    expect(() => elbo(undefined, logDensity, family, p)).toThrow(/elbo: pass a PRNG key/);
    expect(() => elbo(key(0), logDensity, family, p, { estimator: 'analyticKl' })).toThrow(/analyticKl.*logLikelihood, prior/);
    expect(() => elbo(key(0), logDensity, family, p, { estimator: 'iwae', numSamples: 10, k: 3 })).toThrow(/option 'k' must divide/);
    expect(() => elbo(key(0), logDensity, family, p, { estimator: 'scoreFunction', numSamples: 1 })).toThrow(/leave-one-out baseline needs numSamples >= 2/);
    expect(() => elbo(key(0), logDensity, family, p, { estimator: 'iwae', stickingTheLanding: true })).toThrow(/stickingTheLanding/);
    expect(() => elbo(key(0), (z) => tf.sum(z), family, p, { numSamples: 3 })).toThrow(/one value per sample, shape \[3\]/);
    const bad = tf.zeros([4, 3]);
    expect(() => elbo(undefined, logDensity, family, p, { eps: bad })).toThrow(/option 'eps' must be a tensor \[S, 2\]/);
    expect(() => elbo(key(0), logDensity, family, p, { estimator: 'nope' as never })).toThrow(/option 'estimator'/);
    tf.dispose([bad, p.loc, p.rawScale]);
    dispose();
  });

  it('no estimator leaks, with or without gradients', async () => {
    const { logDensity, dispose } = gaussianTarget();
    const p = params();
    const baseline = tf.scalar(0.5);
    const all: ElboOptions[] = [
      {},
      { entropy: 'analytic' },
      { stickingTheLanding: true },
      { estimator: 'iwae', k: 2 },
      { estimator: 'renyi', alpha: 0.3 },
      { estimator: 'renyi', alpha: 1 },
      { estimator: 'scoreFunction' },
      { estimator: 'scoreFunction', baseline: 'none' },
      { estimator: 'scoreFunction', baseline },
      { estimator: 'scoreFunction', baseline: 1.5 },
    ];
    for (const o of all) {
      await expectNoLeaks(() => elbo(key(0), logDensity, family, p, { numSamples: 4, ...o }));
      await expectNoLeaks(() => negativeElbo(key(0), logDensity, family, p, { numSamples: 4, ...o }));
      await expectNoLeaks(() => elboTerms(key(0), logDensity, family, p, { numSamples: 4, ...o }));
      await expectNoLeaks(() => valueAndGrad((q: MeanFieldNormalParams) => elbo(key(0), logDensity, family, q, { numSamples: 4, ...o }))(p));
    }
    const before = tf.memory().numTensors;
    expect(() => elbo(key(0), logDensity, family, p, { estimator: 'iwae', numSamples: 10, k: 3 })).toThrow();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([baseline, p.loc, p.rawScale]);
    dispose();
  });
});
