import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { euclideanMetric } from '../../src/metrics/euclidean.js';
import { metricForChains } from '../../src/metrics/for-chains.js';

// A = M⁻¹ = [[2, 0.5], [0.5, 1]]; M = A⁻¹ = [[1, -0.5], [-0.5, 2]] / 1.75.
const A = [[2, 0.5], [0.5, 1]];
const M = [[1 / 1.75, -0.5 / 1.75], [-0.5 / 1.75, 2 / 1.75]];

/** Sample second moments of rows [N, 2] (host float64). */
async function secondMoments(p: tf.Tensor): Promise<number[][]> {
  const v = await p.data();
  const n = p.shape[0]!;
  const s = [[0, 0], [0, 0]];
  for (let r = 0; r < n; r++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) s[i]![j]! += (v[r * 2 + i]! * v[r * 2 + j]!) / n;
  return s;
}

describe('euclideanMetric', () => {
  it('dense momenta are N(0, M), shared [D, D] and per chain [C, D, D]', async () => {
    // N = 20000 draws: the sd of a second-moment estimate is at most √(2/N)·max M ≈ 0.012; tolerance 0.05 (4 sd).
    const N = 20000;
    const shared = euclideanMetric(tf.tensor2d(A));
    const p = shared.sampleMomentum(key(1), N, 2);
    const s = await secondMoments(p);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(Math.abs(s[i]![j]! - M[i]![j]!)).toBeLessThan(0.05);
    const batched = tf.tidy(() => tf.broadcastTo(tf.tensor2d(A), [N, 2, 2]));
    const perChain = euclideanMetric(batched);
    const q = perChain.sampleMomentum(key(1), N, 2);
    // Same key, same normals: the batched solve gives the same momenta as the shared one.
    await expect(q).toBeCloseTensor(p, { atol: 1e-5 });
    // Velocity and kinetic energy agree between the two layouts, and K = ½ pᵀ A p.
    await expect(perChain.velocity(q)).toBeCloseTensor(shared.velocity(p), { atol: 1e-5 });
    const k = shared.kineticEnergy(tf.tensor2d([[1, 2]]));
    await expect(k).toBeCloseTensor([0.5 * (2 + 2 * 0.5 * 2 + 4)], { atol: 1e-5 });
    tf.dispose([p, q, k, batched, shared.inverseMassMatrix]);
    shared.dispose();
    perChain.dispose();
  });

  it('every method leaks nothing (diagonal and dense)', async () => {
    const cases: [tf.Tensor, 'diagonal' | 'dense' | undefined][] = [
      [tf.tensor1d([1, 2]), undefined],
      [tf.tensor2d(A), undefined],
      [tf.tensor2d([[1, 2], [3, 4], [1, 1]]), 'diagonal'],
      [tf.broadcastTo(tf.tensor2d(A), [3, 2, 2]), undefined],
    ];
    for (const [inv, kind] of cases) {
      const metric = euclideanMetric(inv, kind);
      const p = tf.tensor2d([[1, 2], [0.5, -1], [0, 1]]);
      await expectNoLeaks(() => metric.sampleMomentum(key(0), 3, 2));
      await expectNoLeaks(() => metric.kineticEnergy(p));
      await expectNoLeaks(() => metric.velocity(p));
      const sum = tf.mul(3, p);
      await expectNoLeaks(() => metric.isTurning(p, p, sum));
      sum.dispose();
      metric.dispose();
      tf.dispose([p, inv]);
    }
  });
});

describe('metricForChains', () => {
  it('reads the kind from the shape and names bad shapes', () => {
    const cases: [number[], 'diagonal' | 'dense'][] = [[[3], 'diagonal'], [[3, 3], 'dense'], [[4, 3], 'diagonal'], [[4, 3, 3], 'dense']];
    for (const [shape, kind] of cases) {
      const inv = tf.ones(shape);
      const metric = metricForChains(inv, 4, 3);
      expect(metric.kind).toBe(kind);
      metric.dispose();
      inv.dispose();
    }
    const bad = tf.ones([5, 3]);
    expect(() => metricForChains(bad, 4, 3)).toThrow(/inverseMassMatrix: expected \[3\], \[3, 3\], \[4, 3\] or \[4, 3, 3\] for 4 chains of dimension 3, got \[5, 3\]/);
    bad.dispose();
  });
});
