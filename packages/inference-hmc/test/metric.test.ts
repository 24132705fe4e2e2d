import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { expect, it } from 'vitest';
import { euclideanMetric, stateAt, velocityVerlet } from '../src/index.js';

it('leapfrog on a standard normal conserves energy to O(eps^2) and is reversible', async () => {
  const logp = (p: tf.Tensor) => tf.mul(-0.5, tf.sum(tf.square(p), -1));
  const metric = euclideanMetric(tf.ones([3]));
  const s0 = stateAt(logp, tf.tensor2d([[1, 0.5, -0.3], [0, 2, 1]]));
  const p0 = metric.sampleMomentum(key(0), 2, 3);
  let s = { ...s0, momentum: p0 };
  const eps = tf.fill([2, 1], 0.1);
  for (let i = 0; i < 10; i++) s = velocityVerlet(s, eps, metric, logp);
  const h0 = tf.sub(metric.kineticEnergy(p0), s0.logDensity);
  const h1 = tf.sub(metric.kineticEnergy(s.momentum), s.logDensity);
  // Leapfrog energy error is bounded by about eps² |H| (0.01 · 4 here), not growing with steps.
  await expect(h1).toBeCloseTensor(h0, { atol: 0.04 });
  let b = { ...s, momentum: tf.neg(s.momentum) };
  for (let i = 0; i < 10; i++) b = velocityVerlet(b, eps, metric, logp);
  await expect(b.position).toBeCloseTensor(s0.position, { atol: 1e-5 });
  const dense = euclideanMetric(tf.tensor2d([[2, 0.5], [0.5, 1]]));
  const m = dense.sampleMomentum(key(1), 20000, 2);
  // p ~ N(0, M) with M = inv(M⁻¹): check E[p pᵀ] M⁻¹ ≈ I via the kinetic energy mean D/2.
  await expect(tf.mean(dense.kineticEnergy(m))).toBeCloseTensor(1, { atol: 0.05 });
});
