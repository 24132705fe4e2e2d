import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { logDensity } from '@probdl/model';
import { adam } from '@probdl/optimizers';
import { findMap, laplace } from '../../src/index.js';
import { X, Y, regression } from '../fixtures/regression-model.js';

// A @probdl/model log density (a LogDensityModel) as the target of findMap and laplace:
// y ~ N(a + b x, 1), a, b ~ N(0, 1), position [a, b]. The posterior is Gaussian with precision
// A = I + ΦᵀΦ (Φ = [1, x]) and mean A⁻¹Φᵀy; the evidence is N(y | 0, I + ΦΦᵀ), computed here in
// float64 through the 2 × 2 form: −N/2 log 2π − ½‖y − Φμ‖² − ½‖μ‖² − ½ log det A.
describe('laplace of a @probdl/model log density', () => {
  it('findMap + laplace give the exact Gaussian posterior and evidence', async () => {
    const x = tf.tensor1d(X);
    const y = tf.tensor1d(Y);
    const model = logDensity(regression, [x, y]);
    const xf = X.map(Math.fround);
    const yf = Y.map(Math.fround);
    const n = X.length;
    const sx = xf.reduce((s, v) => s + v, 0);
    const sxx = xf.reduce((s, v) => s + v * v, 0);
    const sy = yf.reduce((s, v) => s + v, 0);
    const sxy = xf.reduce((s, v, i) => s + v * yf[i]!, 0);
    const a = [n + 1, sx, sx, sxx + 1];
    const det = a[0]! * a[3]! - a[1]! * a[2]!;
    const mu = [(a[3]! * sy - a[1]! * sxy) / det, (-a[2]! * sy + a[0]! * sxy) / det];
    const cov = [a[3]! / det, -a[1]! / det, -a[2]! / det, a[0]! / det];
    let rss = 0;
    for (let i = 0; i < n; i++) rss += (yf[i]! - mu[0]! - mu[1]! * xf[i]!) ** 2;
    const evidence = -0.5 * n * Math.log(2 * Math.PI) - 0.5 * rss - 0.5 * (mu[0]! ** 2 + mu[1]! ** 2) - 0.5 * Math.log(det);

    const init = tf.zeros([2]);
    const { position } = await findMap(model, init, { optimizer: adam(0.1), steps: 300 });
    await expect(position).toBeCloseTensor(mu, { rtol: 0, atol: 1e-4 });
    const approx = await laplace(model, position);
    for (let i = 0; i < 4; i++) expect(Math.abs(approx.host.covariance.data[i]! - cov[i]!)).toBeLessThan(1e-5);
    // log p(θ*) is float32 (~1e-6 relative of ~10); the position is 1e-4 from the mode, which moves
    // a quadratic's value by ~½·1e-8·λ_max: negligible.
    expect(Math.abs(approx.logEvidence - evidence)).toBeLessThan(1e-4);
    approx.dispose();
    tf.dispose([x, y, init, position]);
  }, 30000);
});
