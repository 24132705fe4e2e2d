import * as tf from '@tensorflow/tfjs-core';
import { key, split, type PRNGKey } from '@probdl/tensor-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mclachlan } from '../../src/integrators/mclachlan.js';
import { velocityVerlet } from '../../src/integrators/velocity-verlet.js';
import { yoshida } from '../../src/integrators/yoshida.js';
import { hmc } from '../../src/kernels/hmc.js';
import { mala } from '../../src/kernels/mala.js';
import { rwm } from '../../src/kernels/rwm.js';
import { stateAt } from '../../src/internal/value-and-grad.js';
import { euclideanMetric } from '../../src/metrics/euclidean.js';
import type { HmcParams, HmcState, IntegratorState, Kernel } from '../../src/types.js';
import { gaussianTarget, invarianceReport, type GaussianTarget } from './gaussian-target.js';

// Detailed balance / invariance: C = 256 chains start FROM exact draws of a 100-dimensional
// Gaussian with Σ = Q diag(λ) Qᵀ, λ log-spaced over 0.1..10. A kernel that leaves the target
// invariant keeps them exact draws after any number of steps, so the moments and KS checks of
// `invarianceReport` (tolerances from the Monte Carlo error of 256 independent draws, stated
// there) must pass; step sizes are large enough that the accept step matters (acceptance well
// below 1).
const C = 256;
const D = 100;
let target: GaussianTarget;
let diagInvMass: tf.Tensor;
let denseInvMass: tf.Tensor;

beforeAll(() => {
  target = gaussianTarget(key(2026), D);
  const diag = new Float32Array(D);
  for (let i = 0; i < D; i++) diag[i] = target.covariance[i * D + i]!;
  diagInvMass = tf.tensor1d(diag);
  denseInvMass = tf.tensor2d(Float32Array.from(target.covariance), [D, D]);
});
afterAll(() => {
  target.dispose();
  diagInvMass.dispose();
  denseInvMass.dispose();
});

async function runFromExact(kernel: Kernel<HmcParams>, params: HmcParams, numSteps: number, seed: number) {
  const [drawKey, runKey] = split(key(seed)) as [PRNGKey, PRNGKey];
  const x0 = target.exactDraws(drawKey, C);
  let state: HmcState = kernel.init(x0, target.logDensityFn);
  x0.dispose();
  let acceptance = 0;
  let divergences = 0;
  const keys = split(runKey, numSteps);
  for (let t = 0; t < numSteps; t++) {
    const [next, info] = await kernel.step(keys[t]!, state, target.logDensityFn, params);
    tf.dispose([state.position, state.logDensity, state.logDensityGrad]);
    state = next;
    acceptance += info.acceptanceRate.reduce((a, b) => a + b, 0) / C / numSteps;
    divergences += info.isDivergent.reduce((a, b) => a + b, 0);
  }
  const rows = await state.position.data();
  tf.dispose([state.position, state.logDensity, state.logDensityGrad]);
  return { report: invarianceReport(target, rows, C), acceptance, divergences };
}

describe('HMC leaves a 100-d correlated Gaussian invariant', () => {
  const integrators = { velocityVerlet, mclachlan, yoshida };
  // Step sizes near the edge of each integrator's useful range so that rejections happen.
  const cases = [
    { name: 'velocityVerlet', metric: 'diagonal', stepSize: 0.28, steps: 8 },
    { name: 'velocityVerlet', metric: 'dense', stepSize: 0.9, steps: 4 },
    { name: 'mclachlan', metric: 'diagonal', stepSize: 0.48, steps: 4 },
    { name: 'mclachlan', metric: 'dense', stepSize: 1.9, steps: 2 },
    { name: 'yoshida', metric: 'diagonal', stepSize: 0.8, steps: 3 },
    { name: 'yoshida', metric: 'dense', stepSize: 3.5, steps: 1 },
  ] as const;
  for (const [i, cs] of cases.entries()) {
    it(`${cs.name}, ${cs.metric} metric`, async () => {
      const kernel = hmc({ numIntegrationSteps: cs.steps, integrator: integrators[cs.name] });
      const inverseMassMatrix = cs.metric === 'dense' ? denseInvMass : diagInvMass;
      const { report, acceptance, divergences } = await runFromExact(kernel, { stepSize: cs.stepSize, inverseMassMatrix }, 4, 100 + i);
      expect(divergences).toBe(0);
      expect(acceptance).toBeGreaterThan(0.2);
      expect(acceptance).toBeLessThan(0.98);
      expect(report.failures).toEqual([]);
    });
  }

  it('per-chain step sizes (a Float64Array) with step-size jitter', async () => {
    const stepSize = Float64Array.from({ length: C }, (_, c) => 0.5 + (0.5 * c) / C);
    const kernel = hmc({ numIntegrationSteps: 4, stepSizeJitter: 0.3 });
    const { report, acceptance } = await runFromExact(kernel, { stepSize, inverseMassMatrix: denseInvMass }, 4, 200);
    expect(acceptance).toBeGreaterThan(0.2);
    expect(report.failures).toEqual([]);
  });
});

it('the checks have power: the same leapfrog trajectories without the accept step fail them', async () => {
  // Unadjusted HMC (always take the end point) at the step size of the first case above is biased
  // outward (E|w|² about 109 instead of 100 ± 4); the invariance checks must see it.
  const metric = euclideanMetric(diagInvMass);
  const keys = split(key(500), 5);
  let x = target.exactDraws(keys[4]!, C);
  const eps = tf.fill([C, 1], 0.28);
  for (let t = 0; t < 4; t++) {
    let s: IntegratorState = { ...stateAt(target.logDensityFn, x), momentum: metric.sampleMomentum(keys[t]!, C, D) };
    x.dispose();
    for (let l = 0; l < 8; l++) {
      const next = velocityVerlet(s, eps, metric, target.logDensityFn);
      tf.dispose([s.position, s.momentum, s.logDensity, s.logDensityGrad]);
      s = next;
    }
    tf.dispose([s.momentum, s.logDensity, s.logDensityGrad]);
    x = s.position;
  }
  const report = invarianceReport(target, await x.data(), C);
  tf.dispose([x, eps]);
  metric.dispose();
  expect(report.failures.length).toBeGreaterThan(0);
});

describe('MALA and RWM leave it invariant too', () => {
  it('MALA, dense and diagonal metrics', async () => {
    for (const [j, [inverseMassMatrix, stepSize]] of ([[denseInvMass, 0.35], [diagInvMass, 0.02]] as const).entries()) {
      const { report, acceptance } = await runFromExact(mala(), { stepSize, inverseMassMatrix }, 6, 300 + j);
      expect(acceptance).toBeGreaterThan(0.2);
      expect(acceptance).toBeLessThan(0.98);
      expect(report.failures).toEqual([]);
    }
  });

  it('RWM, dense and diagonal metrics', async () => {
    for (const [j, [inverseMassMatrix, stepSize]] of ([[denseInvMass, 0.24], [diagInvMass, 0.05]] as const).entries()) {
      const { report, acceptance } = await runFromExact(rwm(), { stepSize, inverseMassMatrix }, 10, 400 + j);
      expect(acceptance).toBeGreaterThan(0.1);
      expect(acceptance).toBeLessThan(0.9);
      expect(report.failures).toEqual([]);
    }
  });
});
