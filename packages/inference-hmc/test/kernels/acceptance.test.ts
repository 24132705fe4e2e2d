import * as tf from '@tensorflow/tfjs-core';
import { key, random, split } from '@probdl/tensor-backend';
import { expect, it } from 'vitest';
import { hmc } from '../../src/kernels/hmc.js';
import type { LogDensityFn } from '../../src/types.js';

// On a D-dimensional standard normal with unit mass, L leapfrog steps of size ε are the linear map
// B = B₁ᴸ on each (x, p) pair, B₁ = [[1 - ε²/2, ε], [-ε(1 - ε²/4), 1 - ε²/2]], so the energy error is
// ΔH = ½ Σ_d (|B z_d|² - |z_d|²) for z_d ~ N(0, I₂) and the expected acceptance E[min(1, e^{-ΔH})]
// is a two-by-two computation, averaged here over 40,000 host draws in float64.
it('HMC acceptance on a standard normal matches the exact leapfrog value: per chain to 1e-4, the mean within MC error', async () => {
  const D = 10;
  const C = 1024;
  const eps = 1.0;
  const L = 4;
  let b = [1, 0, 0, 1];
  const b1 = [1 - (eps * eps) / 2, eps, -eps * (1 - (eps * eps) / 4), 1 - (eps * eps) / 2];
  for (let i = 0; i < L; i++) b = [b[0]! * b1[0]! + b[1]! * b1[2]!, b[0]! * b1[1]! + b[1]! * b1[3]!, b[2]! * b1[0]! + b[3]! * b1[2]!, b[2]! * b1[1]! + b[3]! * b1[3]!];
  const N = 40000;
  const z = random.normalHost(key(77), [N, D, 2]);
  let sum = 0;
  let sumSq = 0;
  for (let n = 0; n < N; n++) {
    let dH = 0;
    for (let d = 0; d < D; d++) {
      const x = z[(n * D + d) * 2]!;
      const p = z[(n * D + d) * 2 + 1]!;
      const x1 = b[0]! * x + b[1]! * p;
      const p1 = b[2]! * x + b[3]! * p;
      dH += 0.5 * (x1 * x1 + p1 * p1 - x * x - p * p);
    }
    const a = Math.min(1, Math.exp(-dH));
    sum += a;
    sumSq += a * a;
  }
  const expected = sum / N;
  const sd = Math.sqrt(sumSq / N - expected * expected);

  const logp: LogDensityFn = (x) => tf.tidy(() => tf.mul(-0.5, tf.sum(tf.square(x), -1)));
  const x0 = random.normal(key(78), [C, D]);
  const inverseMassMatrix = tf.ones([D]);
  const kernel = hmc({ numIntegrationSteps: L });
  const s0 = kernel.init(x0, logp);
  const [s1, info] = await kernel.step(key(79), s0, logp, { stepSize: eps, inverseMassMatrix });
  const observed = info.acceptanceRate.reduce((a, v) => a + v, 0) / C;
  // Tolerance: 4 standard errors of a mean of C acceptance probabilities, plus the host estimate's own error.
  const tol = 4 * sd * Math.sqrt(1 / C + 1 / N);
  expect(expected).toBeGreaterThan(0.5);
  expect(expected).toBeLessThan(0.95);
  expect(Math.abs(observed - expected)).toBeLessThan(tol);
  // Chain by chain: the kernel's momenta are the normals of the first half of the step key (unit
  // mass), so each acceptance probability can be recomputed exactly on the host from (x₀, p₀); the
  // float32 kernel (energy error formed from differences) agrees to 1e-4.
  const xHost = await x0.data();
  const pHost = random.normalHost(split(key(79))[0]!, [C, D]);
  let worst = 0;
  for (let c = 0; c < C; c++) {
    let dH = 0;
    for (let d = 0; d < D; d++) {
      const x = xHost[c * D + d]!;
      const p = pHost[c * D + d]!;
      const x1 = b[0]! * x + b[1]! * p;
      const p1 = b[2]! * x + b[3]! * p;
      dH += 0.5 * (x1 * x1 + p1 * p1 - x * x - p * p);
    }
    worst = Math.max(worst, Math.abs(info.acceptanceRate[c]! - Math.min(1, Math.exp(-dH))));
  }
  expect(worst).toBeLessThan(1e-4);
  tf.dispose([x0, inverseMassMatrix, s0.position, s0.logDensity, s0.logDensityGrad, s1.position, s1.logDensity, s1.logDensityGrad]);
});
