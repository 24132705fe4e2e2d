import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { euclideanMetric } from '../../src/metrics/euclidean.js';
import { kineticEnergyChange, metropolisDecision, metropolisHastings, selectRows } from '../../src/kernels/proposal.js';
import { stepSizeColumn } from '../../src/kernels/step-size.js';

describe('metropolisDecision', () => {
  it('accepts with probability min(1, exp(-ΔH)); NaN and +∞ are divergent and rejected', () => {
    const before = [0, 0, 0, 0, 0, 0];
    const after = [-1, 1, Number.NaN, -2000, 0, Number.NEGATIVE_INFINITY];
    const dK = [0, 0, 0, 0, Number.NaN, 0];
    const u = [0.3, 0.99, 0, 0, 0, 0];
    const d = metropolisDecision(before, after, dK, u, 1000);
    expect(Array.from(d.energyError.slice(0, 2))).toEqual([1, -1]);
    expect(d.acceptanceRate[0]).toBeCloseTo(Math.exp(-1), 15);
    expect(Array.from(d.acceptanceRate.slice(1))).toEqual([1, 0, 0, 0, 0]);
    expect(Array.from(d.accepted)).toEqual([1, 1, 0, 0, 0, 0]);
    expect(Array.from(d.isDivergent)).toEqual([0, 0, 1, 1, 1, 1]);
    // u < exp(-1) ≈ 0.368 accepts, u above rejects.
    expect(metropolisDecision([0], [-1], [0], [0.37], 1000).accepted[0]).toBe(0);
    // Without kinetic terms (RWM) the ratio is the density ratio.
    expect(metropolisDecision([0], [Math.log(0.25)], undefined, [0.2], Infinity).acceptanceRate[0]).toBeCloseTo(0.25, 12);
  });

  it('keeps the energy error exact for float32 log densities far from zero', () => {
    // Two adjacent float32 values near -1e5 (spacing 2^-7): the error is their exact difference.
    const lp0 = Math.fround(-100000);
    const lp1 = Math.fround(-100000 + 2 ** -7);
    const d = metropolisDecision(Float32Array.of(lp0), Float32Array.of(lp1), Float32Array.of(0), [0.5], 1000);
    expect(d.energyError[0]).toBe(-(2 ** -7));
  });
});

describe('kineticEnergyChange', () => {
  it('is accurate to the change, not to the total kinetic energy, in float32', async () => {
    // D = 4096 momenta near 10 (K ≈ 2e5) moved by about 1e-3: the float32 difference of two kinetic
    // energies has an error near ulp(2e5) ≈ 0.016; the difference form stays near the float64 value.
    const D = 4096;
    const p0 = new Float32Array(D);
    const p1 = new Float32Array(D);
    for (let i = 0; i < D; i++) {
      p0[i] = Math.fround(10 + Math.sin(i));
      p1[i] = Math.fround(p0[i]! + 1e-3 * Math.cos(3 * i));
    }
    let exact = 0;
    for (let i = 0; i < D; i++) exact += 0.5 * (p1[i]! * p1[i]! - p0[i]! * p0[i]!);
    const metric = euclideanMetric(tf.ones([D]));
    const a = tf.tensor2d(p0, [1, D]);
    const b = tf.tensor2d(p1, [1, D]);
    const change = kineticEnergyChange(metric, a, b);
    const viaDifference = (await change.data())[0]!;
    const k0 = metric.kineticEnergy(a);
    const k1 = metric.kineticEnergy(b);
    const naive = (await k1.data())[0]! - (await k0.data())[0]!;
    tf.dispose([k0, k1]);
    expect(Math.abs(viaDifference - exact)).toBeLessThan(1e-4);
    // The naive float32 difference is off by about ulp(K) (measured 9e-3 on cpu, more than the change itself).
    expect(Math.abs(naive - exact)).toBeGreaterThan(Math.abs(viaDifference - exact));
    await expectNoLeaks(() => kineticEnergyChange(metric, a, b));
    tf.dispose([a, b, change, metric.inverseMassMatrix]);
    metric.dispose();
  });
});

describe('metropolisHastings and selectRows', () => {
  it('select accepted rows and do not leak', async () => {
    const current = { position: tf.tensor2d([[0, 0], [1, 1]]), logDensity: tf.tensor1d([0, 0]), logDensityGrad: tf.tensor2d([[0, 0], [-1, -1]]) };
    const proposal = { position: tf.tensor2d([[5, 5], [6, 6]]), logDensity: tf.tensor1d([1, Number.NaN]), logDensityGrad: tf.tensor2d([[2, 2], [3, 3]]) };
    const r = await metropolisHastings({ key: key(0), current, proposal, divergenceThreshold: 1000 });
    expect(Array.from(r.accepted)).toEqual([1, 0]);
    expect(Array.from(r.isDivergent)).toEqual([0, 1]);
    expect(Array.from(r.energy)).toEqual([-1, 0]);
    await expect(r.state.position).toBeCloseTensor([[5, 5], [1, 1]]);
    await expect(r.state.logDensity).toBeCloseTensor([1, 0]);
    await expect(r.state.logDensityGrad).toBeCloseTensor([[2, 2], [-1, -1]]);
    tf.dispose([r.state.position, r.state.logDensity, r.state.logDensityGrad]);
    await expectNoLeaks(async () => (await metropolisHastings({ key: key(1), current, proposal, divergenceThreshold: 1000 })).state);
    await expectNoLeaks(() => selectRows(Uint8Array.of(0, 1), proposal, current));
    tf.dispose([current.position, current.logDensity, current.logDensityGrad, proposal.position, proposal.logDensity, proposal.logDensityGrad]);
  });
});

describe('stepSizeColumn', () => {
  it('builds [C, 1] and names bad step sizes', async () => {
    const a = stepSizeColumn(0.5, 3);
    await expect(a).toBeCloseTensor([[0.5], [0.5], [0.5]]);
    const b = stepSizeColumn(Float64Array.of(0.1, 0.2), 2);
    await expect(b).toBeCloseTensor([[0.1], [0.2]]);
    tf.dispose([a, b]);
    expect(() => stepSizeColumn(-1, 2)).toThrow(/stepSize: must be finite and positive, got -1/);
    expect(() => stepSizeColumn(Float64Array.of(0.1), 2)).toThrow(/one step size per chain \(2\), got 1/);
    expect(() => stepSizeColumn(Float64Array.of(0.1, Number.NaN), 2)).toThrow(/stepSize\[1\] = NaN/);
  });
});
