import * as tf from '@tensorflow/tfjs-core';
import { key, random } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mclachlan, MCLACHLAN_B1 } from '../../src/integrators/mclachlan.js';
import { gradientEvaluationsPerStep, palindromicIntegrator } from '../../src/integrators/palindromic.js';
import { velocityVerlet } from '../../src/integrators/velocity-verlet.js';
import { yoshida } from '../../src/integrators/yoshida.js';
import { stateAt } from '../../src/internal/value-and-grad.js';
import { euclideanMetric } from '../../src/metrics/euclidean.js';
import type { Integrator, IntegratorState, LogDensityFn, Metric } from '../../src/types.js';

// A 4-d Gaussian with variances 0.5..2 plus a weak quartic term, so the dynamics are not linear.
let scales: tf.Tensor;
beforeAll(() => {
  scales = tf.tensor1d([2, 1, 0.7, 0.5]);
});
afterAll(() => scales.dispose());
const logp: LogDensityFn = (x) => tf.tidy(() => tf.neg(tf.sum(tf.add(tf.mul(0.5, tf.div(tf.square(x), scales)), tf.mul(0.05, tf.pow(x, 4))), -1)));
const C = 64;
const D = 4;

function start(metric: Metric): IntegratorState {
  const x0 = tf.tidy(() => tf.mul(tf.sqrt(scales), random.normal(key(11), [C, D])));
  const s = stateAt(logp, x0);
  x0.dispose();
  return { ...s, momentum: metric.sampleMomentum(key(3), C, D) };
}

function disposeState(s: IntegratorState): void {
  tf.dispose([s.position, s.momentum, s.logDensity, s.logDensityGrad]);
}

/** Integrates `steps` steps and returns the end state and the mean over chains of max_t |H_t - H_0| (host float64). */
async function integrate(integrator: Integrator, metric: Metric, s0: IntegratorState, eps: number, steps: number) {
  const h = tf.fill([C, 1], eps);
  const hamiltonian = async (s: IntegratorState) => {
    const t = tf.tidy(() => tf.sub(metric.kineticEnergy(s.momentum), s.logDensity));
    const v = Float64Array.from(await t.data());
    t.dispose();
    return v;
  };
  const h0 = await hamiltonian(s0);
  const maxErr = new Float64Array(C);
  let s = s0;
  for (let i = 0; i < steps; i++) {
    const next = integrator(s, h, metric, logp);
    if (s !== s0) disposeState(s);
    s = next;
    const hi = await hamiltonian(s);
    for (let c = 0; c < C; c++) maxErr[c] = Math.max(maxErr[c]!, Math.abs(hi[c]! - h0[c]!));
  }
  h.dispose();
  return { end: s, error: maxErr.reduce((a, b) => a + b, 0) / C };
}

const all = { velocityVerlet, mclachlan, yoshida } as const;

describe('integrators', () => {
  it('have the BlackJAX coefficients and gradient costs', () => {
    expect(velocityVerlet.coefficients).toEqual([0.5, 1, 0.5]);
    expect(mclachlan.coefficients[0]).toBeCloseTo(0.1932, 4);
    expect(MCLACHLAN_B1).toBe(0.1931833275037836);
    expect(yoshida.coefficients).toHaveLength(7);
    for (const integrator of Object.values(all)) {
      const c = integrator.coefficients;
      // Consistency: the momentum and position coefficients each sum to one.
      expect(c.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(c.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    expect([velocityVerlet, mclachlan, yoshida].map(gradientEvaluationsPerStep)).toEqual([1, 2, 3]);
    expect(gradientEvaluationsPerStep((s) => s)).toBe(1);
    expect(() => palindromicIntegrator([0.5, 1, 0.4])).toThrow(/palindromic/);
    expect(() => palindromicIntegrator([0.5, 0.5])).toThrow(/odd length/);
  });

  it('energy error of a fixed-length trajectory: slope 2 in the step size, smaller constants for McLachlan and Yoshida', async () => {
    // Trajectory length 2.4 at ε and ε/2; the error is max_t |ΔH| averaged over 64 chains (float64
    // on the host). Float32 rounding of H is about 1e-6 here, far below the errors measured.
    const metric = euclideanMetric(tf.ones([D]));
    const s0 = start(metric);
    const errors: Record<string, [number, number]> = {};
    for (const [name, integrator] of Object.entries(all)) {
      const eps = 0.3;
      const coarse = await integrate(integrator, metric, s0, eps, 8);
      const fine = await integrate(integrator, metric, s0, eps / 2, 16);
      disposeState(coarse.end);
      disposeState(fine.end);
      errors[name] = [coarse.error, fine.error];
    }
    disposeState(s0);
    metric.dispose();
    const slope = (e: [number, number]) => Math.log2(e[0] / e[1]);
    expect(slope(errors.velocityVerlet!)).toBeGreaterThan(1.7);
    expect(slope(errors.velocityVerlet!)).toBeLessThan(2.3);
    expect(slope(errors.mclachlan!)).toBeGreaterThan(1.6);
    expect(slope(errors.yoshida!)).toBeGreaterThan(1.6);
    // At the same step size the multi-stage schemes are far more accurate.
    expect(errors.mclachlan![0]).toBeLessThan(errors.velocityVerlet![0] / 5);
    expect(errors.yoshida![0]).toBeLessThan(errors.velocityVerlet![0] / 5);
  });

  for (const [name, integrator] of Object.entries(all)) {
    it(`${name} is reversible (negate the momentum, integrate back) with diagonal and dense metrics`, async () => {
      for (const metric of [euclideanMetric(tf.tensor1d([1, 2, 0.5, 1])), euclideanMetric(tf.tensor2d([[1, 0.3, 0, 0], [0.3, 1, 0.2, 0], [0, 0.2, 1, 0], [0, 0, 0, 2]]))]) {
        const s0 = start(metric);
        const forward = await integrate(integrator, metric, s0, 0.2, 10);
        const flipped = { ...forward.end, momentum: tf.neg(forward.end.momentum) };
        const back = await integrate(integrator, metric, flipped, 0.2, 10);
        await expect(back.end.position).toBeCloseTensor(s0.position, { atol: 2e-4 });
        const p = tf.neg(back.end.momentum);
        await expect(p).toBeCloseTensor(s0.momentum, { atol: 2e-4 });
        tf.dispose([p, flipped.momentum]);
        disposeState(forward.end);
        disposeState(back.end);
        disposeState(s0);
        metric.inverseMassMatrix.dispose();
        metric.dispose();
      }
    });
  }

  it('negative step sizes run backwards, per chain', async () => {
    const metric = euclideanMetric(tf.ones([D]));
    const s0 = start(metric);
    const h = tf.tensor2d(Float32Array.from({ length: C }, (_, c) => (c % 2 ? 0.1 : -0.1)), [C, 1]);
    const s1 = yoshida(s0, h, metric, logp);
    const back = tf.neg(h);
    const s2 = yoshida(s1, back, metric, logp);
    await expect(s2.position).toBeCloseTensor(s0.position, { atol: 1e-5 });
    [s0, s1, s2].forEach(disposeState);
    tf.dispose([h, back]);
    metric.inverseMassMatrix.dispose();
    metric.dispose();
  });

  it('do not leak and do not dispose their inputs', async () => {
    const metric = euclideanMetric(tf.ones([D]));
    const s0 = start(metric);
    const h = tf.fill([C, 1], 0.1);
    for (const integrator of Object.values(all)) {
      await expectNoLeaks(() => integrator(s0, h, metric, logp));
      expect(s0.position.isDisposed || s0.momentum.isDisposed || s0.logDensityGrad.isDisposed).toBe(false);
      // 50 steps, disposing each old state: the tensor count stays flat.
      const before = tf.memory().numTensors;
      let s = integrator(s0, h, metric, logp);
      for (let i = 0; i < 50; i++) {
        const next = integrator(s, h, metric, logp);
        disposeState(s);
        s = next;
      }
      disposeState(s);
      expect(tf.memory().numTensors).toBe(before);
    }
    disposeState(s0);
    h.dispose();
    metric.inverseMassMatrix.dispose();
    metric.dispose();
  });
});
