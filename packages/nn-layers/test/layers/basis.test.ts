import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks, } from '@probdl/vitest-config/matchers';
import { loadReference } from '@probdl/vitest-config/reference';
import { describe, expect, it } from 'vitest';
import { polynomialBasis, randomFourierFeatures } from '../../src/layers/index.js';
import { expectGradientsMatchHost } from '../helpers/finite-difference.js';
import { hostNormal, weightedSumHost } from './host-reference.js';

describe('polynomialBasis', () => {
  it('maps x [..., 1] to [1, x, x², …, x^degree]', async () => {
    const xs = [-1.5, 0, 0.5, 2, 3, -0.25];
    const x = tf.tensor(xs, [2, 3, 1]);
    const pb = polynomialBasis(3);
    const y = pb.apply(pb.init(key(0), [1]), x);
    expect(y.shape).toEqual([2, 3, 4]);
    expect(pb.outputShape([1])).toEqual([4]);
    await expect(tf.reshape(y, [-1])).toBeCloseTensor(xs.flatMap((v) => [1, v, v * v, v * v * v]), { rtol: 1e-6, atol: 0 });
    tf.dispose([x, y]);
  });

  it('handles d > 1 elementwise, grouped by degree, and includeBias false', async () => {
    const x = tf.tensor([[2, -3]]);
    const y = polynomialBasis(2).apply({}, x);
    await expect(y).toBeCloseTensor([[1, 2, -3, 4, 9]]);
    const z = polynomialBasis(2, { includeBias: false }).apply({}, x);
    await expect(z).toBeCloseTensor([[2, -3, 4, 9]]);
    expect(polynomialBasis(2, { includeBias: false }).outputShape([2])).toEqual([4]);
    tf.dispose([x, y, z]);
  });

  it('has gradients matching finite differences', async () => {
    const wv = Float64Array.from(Float32Array.from(hostNormal(1, 5 * 4)));
    const w = tf.tensor(Float32Array.from(wv), [5, 4]);
    const pb = polynomialBasis(3);
    await expectGradientsMatchHost(
      (x) => tf.sum(tf.mul(pb.apply({}, x!), w)) as tf.Scalar,
      ([x]) => weightedSumHost(Float64Array.from(Array.from(x!).flatMap((v) => [1, v, v * v, v * v * v])), wv),
      [{ values: Float64Array.from([-1.2, 0, 0.3, 0.9, 1.7]), shape: [5, 1] }],
    );
    w.dispose();
  });

  it('gives clear errors and does not leak', async () => {
    expect(() => polynomialBasis(0)).toThrow(/polynomialBasis: degree must be an integer >= 1, got 0/);
    const s = tf.scalar(1);
    expect(() => polynomialBasis(2).apply({}, s)).toThrow(/polynomialBasis\(2\)\.apply: x must be \[\.\.\., d\]/);
    const x = tf.ones([3, 1]);
    await expectNoLeaks(() => polynomialBasis(4).apply({}, x));
    await expectNoLeaks(() => polynomialBasis(1, { includeBias: false }).apply({}, x));
    tf.dispose([s, x]);
  });
});

describe('randomFourierFeatures', () => {
  it('stores fixed features { frequencies: [d, D], phases: [D] } and maps [..., d] to [..., D]', () => {
    const rff = randomFourierFeatures(50, { lengthscale: 0.5 });
    const p = rff.init(key(0), [3]);
    expect(p.frequencies.shape).toEqual([3, 50]);
    expect(p.phases.shape).toEqual([50]);
    const x = tf.ones([2, 4, 3]);
    const y = rff.apply(p, x);
    expect(y.shape).toEqual([2, 4, 50]);
    expect(rff.outputShape([3])).toEqual([50]);
    tf.dispose([p.frequencies, p.phases, x, y]);
  });

  const ref = loadReference<{ s_std: number; N_elements: number; S: number[]; u: number[] }>('indaba-bdl/fourier_basis_S_u.json');
  it.skipIf(ref === undefined)('reproduces the Indaba 2022 practical’s basis from PRNGKey(42) (2022 stream), and its cos(xS + u)/√N', async () => {
    const r = ref!;
    const rff = randomFourierFeatures(r.N_elements, { lengthscale: 1 / r.s_std });
    const p = rff.init(key(42, { partitionable: false }), [1]);
    // The practical scales by s_std (×0.75), we divide by the lengthscale (÷1.333…): equal to an ulp or two.
    await expect(tf.reshape(p.frequencies, [-1])).toBeCloseTensor(r.S, { rtol: 1e-6, atol: 1e-7 });
    await expect(p.phases).toBeCloseTensor(r.u, { rtol: 0, atol: 0 });
    const xs = [-1.5, -0.2, 0, 0.7, 2.1];
    const x = tf.tensor(xs, [5, 1]);
    const y = rff.apply(p, x);
    const want = xs.flatMap((xv) => r.S.map((s, j) => Math.cos(xv * s + r.u[j]!) / Math.sqrt(r.N_elements)));
    await expect(tf.reshape(y, [-1])).toBeCloseTensor(want, { rtol: 1e-4, atol: 2e-6 });
    tf.dispose([p.frequencies, p.phases, x, y]);
  });

  it('approximates the RBF kernel exp(−|x − x′|²/(2ℓ²)) (√(2/D) amplitude) and half of it by default', async () => {
    // φ(x)·φ(x′) = (1/D) Σ_j [cos(w_j·(x − x′)) + cos(w_j·(x + x′) + 2u_j)]: each term has variance
    // ≤ 1/2 + 1/2 = 1, so the estimate's standard deviation is ≤ 1/√D = 0.0071 for D = 20,000.
    // Tolerance 5σ per pair (the default amplitude halves everything, tolerance too).
    const D = 20000;
    const ell = 0.8;
    const pts = [[0, 0], [0.3, -0.2], [1, 0.5], [-0.7, 1.1], [2, -1]];
    const x = tf.tensor(pts);
    const k = key(5);
    for (const [amplitude, factor] of [[Math.sqrt(2 / D), 1], [undefined, 0.5]] as const) {
      const rff = randomFourierFeatures(D, { lengthscale: ell, inputDim: 2, ...(amplitude === undefined ? {} : { amplitude }) });
      const p = rff.init(k, [2]);
      const phi = rff.apply(p, x);
      const gram = (await tf.matMul(phi, phi, false, true).array()) as number[][];
      for (let i = 0; i < pts.length; i++) {
        for (let j = 0; j < pts.length; j++) {
          const r2 = (pts[i]![0]! - pts[j]![0]!) ** 2 + (pts[i]![1]! - pts[j]![1]!) ** 2;
          const want = factor * Math.exp(-r2 / (2 * ell * ell));
          expect(Math.abs(gram[i]![j]! - want)).toBeLessThan((factor * 5) / Math.sqrt(D));
        }
      }
      tf.dispose([p.frequencies, p.phases, phi]);
    }
    x.dispose();
  });

  it('gives clear errors and does not leak', async () => {
    expect(() => randomFourierFeatures(0)).toThrow(/randomFourierFeatures: numFeatures must be an integer >= 1, got 0/);
    expect(() => randomFourierFeatures(10, { lengthscale: -1 })).toThrow(/lengthscale must be a finite number > 0/);
    expect(() => randomFourierFeatures(10, { inputDim: 2 }).init(key(0), [3])).toThrow(/inputShape \[3\] has last dimension 3 but inputDim is 2/);
    const rff = randomFourierFeatures(8);
    const p = rff.init(key(0), [2]);
    const x = tf.ones([4, 3]);
    expect(() => rff.apply(p, x)).toThrow(/randomFourierFeatures\(8\)\.apply: x has last dimension 3 but the frequencies expect 2/);
    const x2 = tf.ones([4, 2]);
    await expectNoLeaks(() => rff.init(key(0), [2]));
    await expectNoLeaks(() => rff.apply(p, x2));
    tf.dispose([p.frequencies, p.phases, x, x2]);
  });
});
