import * as tf from '@tensorflow/tfjs-core';
import { key, split, type PRNGKey } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { mclachlan } from '../../src/integrators/mclachlan.js';
import { yoshida } from '../../src/integrators/yoshida.js';
import { hmc } from '../../src/kernels/hmc.js';
import { mala } from '../../src/kernels/mala.js';
import { rwm } from '../../src/kernels/rwm.js';
import { euclideanMetric } from '../../src/metrics/euclidean.js';
import type { HmcParams, HmcState, Kernel, LogDensityFn } from '../../src/types.js';

const disposeState = (s: HmcState) => tf.dispose([s.position, s.logDensity, s.logDensityGrad]);

/** Neal's funnel in 1 + 4 dimensions: v ~ N(0, 3²), x_i | v ~ N(0, e^v). */
const funnel: LogDensityFn = (z) =>
  tf.tidy(() => {
    const v = tf.slice(z, [0, 0], [-1, 1]);
    const x = tf.slice(z, [0, 1], [-1, -1]);
    const lpV = tf.div(tf.square(tf.squeeze(v, [1])), -18);
    const lpX = tf.sum(tf.add(tf.mul(-0.5, tf.mul(tf.square(x), tf.exp(tf.neg(v)))), tf.mul(-0.5, v)), -1);
    return tf.add(lpV, lpX);
  });

// A non-Gaussian density with a host twin for explicit proposal densities: log π(x) = Σ -x²/2 - x⁴/8.
const quartic: LogDensityFn = (x) => tf.tidy(() => tf.sum(tf.sub(tf.mul(-0.5, tf.square(x)), tf.div(tf.pow(x, 4), 8)), -1));
const quarticHost = (x: number) => -0.5 * x * x - x ** 4 / 8;
const quarticGradHost = (x: number) => -x - x ** 3 / 2;

describe('divergences', () => {
  it('a huge step size on a funnel flags every chain divergent and rejects', async () => {
    const C = 8;
    const kernel = hmc({ numIntegrationSteps: 5 });
    const x0 = tf.tidy(() => tf.concat([tf.fill([C, 1], -3), tf.fill([C, 4], 0.05)], 1));
    const s0 = kernel.init(x0, funnel);
    const inverseMassMatrix = tf.ones([5]);
    const [s1, info] = await kernel.step(key(0), s0, funnel, { stepSize: 50, inverseMassMatrix });
    expect(Array.from(info.isDivergent)).toEqual(new Array(C).fill(1));
    expect(Array.from(info.acceptanceRate)).toEqual(new Array(C).fill(0));
    await expect(s1.position).toBeCloseTensor(x0);
    // A small step size on the same start is not divergent.
    const [s2, calm] = await kernel.step(key(0), s0, funnel, { stepSize: 0.01, inverseMassMatrix });
    expect(Array.from(calm.isDivergent)).toEqual(new Array(C).fill(0));
    [s0, s1, s2].forEach(disposeState);
    tf.dispose([x0, inverseMassMatrix]);
  });

  it('a NaN log density is divergent and rejected, per chain, for every kernel', async () => {
    // NaN beyond x > 1 in the first coordinate: chains started at 0.9 step into it with a big step.
    const nanBeyond: LogDensityFn = (x) =>
      tf.tidy(() => {
        const lp = tf.mul(-0.5, tf.sum(tf.square(x), -1));
        const out = tf.greater(tf.squeeze(tf.slice(x, [0, 0], [-1, 1]), [1]), 1);
        return tf.where(out, tf.fill(lp.shape, Number.NaN), lp);
      });
    const x0 = tf.tensor2d([[0.9, 0], [-5, 0]]);
    const inverseMassMatrix = tf.ones([2]);
    const big = Float64Array.of(3, 1e-4);
    for (const kernel of [hmc({ numIntegrationSteps: 1 }), mala(), rwm()] as Kernel<HmcParams>[]) {
      // Try keys until chain 0 proposes a point beyond 1 (any kernel moves it there with step 3 half the time).
      let seen = false;
      for (let seed = 0; seed < 20 && !seen; seed++) {
        const s0 = kernel.init(x0, nanBeyond);
        const [s1, info] = await kernel.step(key(seed), s0, nanBeyond, { stepSize: big, inverseMassMatrix });
        const pos = await s1.position.data();
        const lp = await s1.logDensity.data();
        expect(Number.isNaN(lp[0]!)).toBe(false);
        if (info.isDivergent[0]) {
          seen = true;
          expect(info.acceptanceRate[0]).toBe(0);
          expect(Array.from(pos.slice(0, 2))).toEqual([Math.fround(0.9), 0]);
        }
        expect(info.isDivergent[1]).toBe(0);
        disposeState(s0);
        disposeState(s1);
      }
      expect(seen).toBe(true);
    }
    tf.dispose([x0, inverseMassMatrix]);
  });
});

describe('proposal densities', () => {
  const C = 16;
  const D = 3;
  const invMass = [0.5, 1, 2];

  async function setup(seed: number) {
    const x0 = tf.tidy(() => tf.mul(1.2, tf.sin(tf.add(tf.reshape(tf.range(0, C * D), [C, D]), seed))));
    const inverseMassMatrix = tf.tensor1d(invMass);
    return { x0, inverseMassMatrix, xHost: Float64Array.from(await x0.data()) };
  }

  /** The kernels' own noise: momentum p ~ N(0, M) from the first half of the step key. */
  async function momentumFor(k: PRNGKey, inverseMassMatrix: tf.Tensor): Promise<Float64Array> {
    const metric = euclideanMetric(inverseMassMatrix);
    const p = metric.sampleMomentum(split(k)[0]!, C, D);
    const host = Float64Array.from(await p.data());
    p.dispose();
    metric.dispose();
    return host;
  }

  it('MALA accepts with the explicit asymmetric Langevin proposal density', async () => {
    // q(y | x) = N(y; x + ε A ∇log π(x), 2ε A), A = M⁻¹ diagonal: α = π(x')q(x|x') / (π(x)q(x'|x)), float64 on the host.
    const eps = 0.3;
    const { x0, inverseMassMatrix, xHost } = await setup(1);
    const kernel = mala();
    const s0 = kernel.init(x0, quartic);
    const k = key(42);
    const [s1, info] = await kernel.step(k, s0, quartic, { stepSize: eps, inverseMassMatrix });
    const p = await momentumFor(k, inverseMassMatrix);
    const logQ = (to: number[], from: number[]) =>
      to.reduce((acc, y, i) => acc - (y - from[i]! - eps * invMass[i]! * quarticGradHost(from[i]!)) ** 2 / (4 * eps * invMass[i]!), 0);
    let checked = 0;
    for (let c = 0; c < C; c++) {
      const x = Array.from(xHost.slice(c * D, (c + 1) * D));
      // ξ = √(2ε) A p ~ N(0, 2ε A).
      const y = x.map((xi, i) => xi + eps * invMass[i]! * quarticGradHost(xi) + Math.sqrt(2 * eps) * invMass[i]! * p[c * D + i]!);
      const logAlpha = y.reduce((a, yi) => a + quarticHost(yi), 0) - x.reduce((a, xi) => a + quarticHost(xi), 0) + logQ(x, y) - logQ(y, x);
      expect(info.acceptanceRate[c]).toBeCloseTo(Math.min(1, Math.exp(logAlpha)), 4);
      if (logAlpha < -0.05) checked++;
    }
    // The asymmetric correction matters for some chains (acceptance visibly below 1).
    expect(checked).toBeGreaterThan(2);
    expect(Array.from(info.numIntegrationSteps)).toEqual(new Array(C).fill(1));
    [s0, s1].forEach(disposeState);
    tf.dispose([x0, inverseMassMatrix]);
  });

  it('RWM accepts with min(1, π(x′)/π(x)) for x′ = x + ε √(M⁻¹) z', async () => {
    const eps = 0.8;
    const { x0, inverseMassMatrix, xHost } = await setup(2);
    const kernel = rwm();
    const s0 = kernel.init(x0, quartic);
    const k = key(7);
    const [s1, info] = await kernel.step(k, s0, quartic, { stepSize: eps, inverseMassMatrix });
    const p = await momentumFor(k, inverseMassMatrix);
    for (let c = 0; c < C; c++) {
      const x = Array.from(xHost.slice(c * D, (c + 1) * D));
      const y = x.map((xi, i) => xi + eps * invMass[i]! * p[c * D + i]!);
      const logAlpha = y.reduce((a, yi) => a + quarticHost(yi), 0) - x.reduce((a, xi) => a + quarticHost(xi), 0);
      expect(info.acceptanceRate[c]).toBeCloseTo(Math.min(1, Math.exp(logAlpha)), 4);
    }
    [s0, s1].forEach(disposeState);
    tf.dispose([x0, inverseMassMatrix]);
  });

  it('HMC with one leapfrog step of size h is MALA with ε = h²/2 (same key)', async () => {
    const h = 0.5;
    const { x0, inverseMassMatrix } = await setup(3);
    const s0 = hmc({ numIntegrationSteps: 1 }).init(x0, quartic);
    const [a, infoA] = await hmc({ numIntegrationSteps: 1 }).step(key(5), s0, quartic, { stepSize: h, inverseMassMatrix });
    const [b, infoB] = await mala().step(key(5), s0, quartic, { stepSize: (h * h) / 2, inverseMassMatrix });
    await expect(a.position).toBeCloseTensor(b.position, { atol: 1e-5 });
    for (let c = 0; c < C; c++) {
      expect(infoA.acceptanceRate[c]).toBeCloseTo(infoB.acceptanceRate[c]!, 4);
      expect(infoA.energy[c]).toBeCloseTo(infoB.energy[c]!, 3);
    }
    [s0, a, b].forEach(disposeState);
    tf.dispose([x0, inverseMassMatrix]);
  });
});

describe('hmc info and options', () => {
  it('reports gradient evaluations per integrator and the energy at the returned point', async () => {
    const x0 = tf.tensor2d([[0.1, 0.2], [1, -1], [2, 0]]);
    const inverseMassMatrix = tf.tensor2d([[1, 0.2], [0.2, 0.5]]);
    for (const [integrator, stages] of [[undefined, 1], [mclachlan, 2], [yoshida, 3]] as const) {
      const kernel = hmc({ numIntegrationSteps: 3, integrator });
      const s0 = kernel.init(x0, quartic);
      const [s1, info] = await kernel.step(key(1), s0, quartic, { stepSize: 0.3, inverseMassMatrix });
      expect(Array.from(info.numIntegrationSteps)).toEqual([3 * stages, 3 * stages, 3 * stages]);
      // energy = -log π + K ≥ -log π at the returned point.
      const lp = await s1.logDensity.data();
      for (let c = 0; c < 3; c++) expect(info.energy[c]).toBeGreaterThanOrEqual(-lp[c]! - 1e-5);
      [s0, s1].forEach(disposeState);
    }
    tf.dispose([x0, inverseMassMatrix]);
  });

  it('names invalid options and parameters', async () => {
    expect(() => hmc({ numIntegrationSteps: 0 })).toThrow(/numIntegrationSteps must be a positive integer, got 0/);
    expect(() => hmc({ numIntegrationSteps: 2, divergenceThreshold: -1 })).toThrow(/divergenceThreshold/);
    expect(() => mala({ divergenceThreshold: 0 })).toThrow(/divergenceThreshold/);
    expect(() => hmc({ numIntegrationSteps: 2, stepSizeJitter: 1 })).toThrow(/stepSizeJitter must be in \[0, 1\), got 1/);
    const x0 = tf.tensor2d([[0, 0, 0]]);
    const wrong = tf.ones([2]);
    const kernel = hmc({ numIntegrationSteps: 2 });
    const s0 = kernel.init(x0, quartic);
    const before = tf.memory().numTensors;
    await expect(kernel.step(key(0), s0, quartic, { stepSize: 0.1, inverseMassMatrix: wrong })).rejects.toThrow(/inverseMassMatrix: expected \[3\], \[3, 3\].*got \[2\]/);
    const ok = tf.ones([3]);
    await expect(kernel.step(key(0), s0, quartic, { stepSize: -0.1, inverseMassMatrix: ok })).rejects.toThrow(/stepSize/);
    ok.dispose();
    expect(tf.memory().numTensors).toBe(before);
    disposeState(s0);
    tf.dispose([x0, wrong]);
  });
});

describe('leaks', () => {
  const C = 4;
  const D = 3;
  const kernels: [string, Kernel<HmcParams>][] = [
    ['hmc', hmc({ numIntegrationSteps: 3 })],
    ['hmc-yoshida', hmc({ numIntegrationSteps: 2, integrator: yoshida })],
    ['hmc-jitter', hmc({ numIntegrationSteps: 2, stepSizeJitter: 0.2 })],
    ['mala', mala()],
    ['rwm', rwm()],
  ];
  for (const [name, kernel] of kernels) {
    it(`${name}: init and step leak nothing; 50 steps keep numTensors flat (diagonal, per-chain diagonal, dense, per-chain dense)`, async () => {
      const x0 = tf.tidy(() => tf.mul(0.3, tf.reshape(tf.range(0, C * D), [C, D])));
      const metrics = [
        tf.tensor1d([1, 0.5, 2]),
        tf.tidy(() => tf.add(1, tf.mul(0.1, tf.reshape(tf.range(0, C * D), [C, D])))),
        tf.tensor2d([[1, 0.2, 0], [0.2, 1, 0.1], [0, 0.1, 0.5]]),
        tf.tidy(() => tf.mul(tf.expandDims(tf.eye(D), 0), tf.reshape(tf.linspace(0.5, 1.5, C), [C, 1, 1]))),
      ];
      await expectNoLeaks(() => kernel.init(x0, quartic));
      const s0 = kernel.init(x0, quartic);
      for (const [m, inverseMassMatrix] of metrics.entries()) {
        await expectNoLeaks(async () => (await kernel.step(key(m), s0, quartic, { stepSize: 0.2, inverseMassMatrix }))[0]);
        const before = tf.memory().numTensors;
        let s = s0;
        const keys = split(key(100 + m), 50);
        for (let t = 0; t < 50; t++) {
          const [next] = await kernel.step(keys[t]!, s, quartic, { stepSize: 0.2, inverseMassMatrix });
          if (s !== s0) disposeState(s);
          s = next;
          if (t === 0) expect(tf.memory().numTensors).toBe(before + 3);
        }
        expect(tf.memory().numTensors).toBe(before + 3);
        disposeState(s);
        expect(s0.position.isDisposed).toBe(false);
      }
      disposeState(s0);
      tf.dispose([x0, ...metrics]);
    });
  }
});
