/**
 * blrLogEvidence (device, float32, differentiable) against the brute-force N × N evidence in float64,
 * and its gradients against central finite differences of that host function.
 * Value tolerance: float32 through a 3 × 3 Cholesky, rtol 1e-5. Gradient tolerance: float32 autodiff
 * through Cholesky and triangular solves of a well-conditioned 3 × 3 matrix (~1e-5 relative) against
 * float64 central differences with step 1e-6 (truncation ~h² = 1e-12, round-off ~eps·|f|/h ≈ 1e-8):
 * rtol 1e-3, atol 1e-3 on gradients of order 1–30, i.e. float32 autodiff error with a 10× margin.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { blrLogEvidence } from '../../src/index.js';
import { bruteForceEvidence, expectClose, expectGradientsMatchHost, syntheticProblem } from './helpers.js';

describe('blrLogEvidence', () => {
  const { phi, y } = syntheticProblem(11, 12, 3, 0.8);
  const phi32 = { ...phi, data: Float64Array.from(Float32Array.from(phi.data)) };
  const y32 = Float64Array.from(Float32Array.from(y));

  it('matches the N × N marginal likelihood for numbers, tensors, per-feature alpha and a prior mean', async () => {
    const p = tf.tensor2d(Float32Array.from(phi.data), [12, 3]);
    const yt = tf.tensor1d(Float32Array.from(y));
    const a = blrLogEvidence(p, yt, { alpha: 0.7, noiseVariance: 0.4 });
    expectClose((await a.data())[0]!, bruteForceEvidence(phi32, y32, 0.7, 0.4), 1e-5, 0, 'scalar alpha');
    const alpha = tf.tensor1d([0.3, 1.5, 4]);
    const m0 = tf.tensor1d([0.2, -0.1, 1]);
    const b = blrLogEvidence(p, tf.reshape(yt, [12, 1]), { alpha, noiseVariance: tf.scalar(2), priorMean: m0 });
    const want = bruteForceEvidence(phi32, y32, Float64Array.from([0.3, 1.5, 4]), 2, Float64Array.from(Float32Array.from([0.2, -0.1, 1])));
    expectClose((await b.data())[0]!, want, 1e-5, 0, 'ARD alpha, prior mean');
    tf.dispose([p, yt, a, b, alpha, m0]);
  });

  it('gradients with respect to log alpha, log noise variance and the design matrix match finite differences', async () => {
    await expectGradientsMatchHost(
      (la, ls, p) => blrLogEvidence(p as tf.Tensor, y32Tensor(), { alpha: tf.exp(la as tf.Tensor), noiseVariance: tf.exp(ls as tf.Tensor) }),
      ([la, ls, p]) => bruteForceEvidence({ rows: 12, cols: 3, data: p! }, y32, Math.exp(la![0]!), Math.exp(ls![0]!)),
      [
        { values: [Math.log(0.7)], shape: [] },
        { values: [Math.log(0.4)], shape: [] },
        { values: phi.data, shape: [12, 3] },
      ],
      { rtol: 1e-3, atol: 1e-3 },
    );
    function y32Tensor(): tf.Tensor {
      return tf.tensor1d(Float32Array.from(y32));
    }
  });
});

// Fewer data than features (N = 6 < D = 20): the N × N form. Same references and tolerances as above
// (the N × N Cholesky of σ²I + ΦΦᵀ/α is as well conditioned as the 3 × 3 one there).
describe('blrLogEvidence with N < D (the N × N form)', () => {
  const { phi, y } = syntheticProblem(17, 6, 20, 0.8);
  const phi32 = { ...phi, data: Float64Array.from(Float32Array.from(phi.data)) };
  const y32 = Float64Array.from(Float32Array.from(y));

  it('matches the brute-force evidence for scalar and per-feature alpha with a prior mean, without leaks', async () => {
    const p = tf.tensor2d(Float32Array.from(phi.data), [6, 20]);
    const yt = tf.tensor1d(Float32Array.from(y));
    const alphaValues = Float64Array.from({ length: 20 }, (_, i) => 0.5 + i / 10);
    const alpha = tf.tensor1d(Float32Array.from(alphaValues));
    const m0Values = Float64Array.from({ length: 20 }, (_, i) => Math.fround(Math.sin(i) / 3));
    const m0 = tf.tensor1d(Float32Array.from(m0Values));
    const before = tf.memory().numTensors;
    const a = blrLogEvidence(p, yt, { alpha: 0.7, noiseVariance: 0.4 });
    const b = blrLogEvidence(p, yt, { alpha, noiseVariance: 0.4, priorMean: m0 });
    expect(tf.memory().numTensors).toBe(before + 2);
    expectClose((await a.data())[0]!, bruteForceEvidence(phi32, y32, 0.7, 0.4), 1e-5, 0, 'scalar alpha, N < D');
    expectClose((await b.data())[0]!, bruteForceEvidence(phi32, y32, Float64Array.from(Float32Array.from(alphaValues)), 0.4, m0Values), 1e-5, 0, 'ARD alpha and prior mean, N < D');
    tf.dispose([p, yt, alpha, m0, a, b]);
  });

  it('gradients with respect to log alpha, log noise variance and the design matrix match finite differences', async () => {
    await expectGradientsMatchHost(
      (la, ls, p) => blrLogEvidence(p as tf.Tensor, tf.tensor1d(Float32Array.from(y32)), { alpha: tf.exp(la as tf.Tensor), noiseVariance: tf.exp(ls as tf.Tensor) }),
      ([la, ls, p]) => bruteForceEvidence({ rows: 6, cols: 20, data: p! }, y32, Math.exp(la![0]!), Math.exp(ls![0]!)),
      [
        { values: [Math.log(0.7)], shape: [] },
        { values: [Math.log(0.4)], shape: [] },
        { values: phi.data, shape: [6, 20] },
      ],
      { rtol: 1e-3, atol: 1e-3 },
    );
  });
});
