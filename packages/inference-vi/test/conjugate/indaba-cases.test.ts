/**
 * The conjugate cases of the Deep Learning Indaba 2022 Bayesian practical (cases.json), on the host
 * (float64) and device (float32) paths.
 *
 * Tolerances: the notebook computed everything in JAX float32 from float32 data. The host path is
 * float64 on those same float32 inputs, so it differs from the notebook by float32 round-off of the
 * notebook's own arithmetic (≈ 1e-7 relative on these well-conditioned 2 × 2 problems); the device
 * path is float32 like the notebook. Both are compared at rtol 1e-5 (numpy/jnp.allclose's default,
 * which is what the notebook's asserts use) with atol 1e-8 for entries that are zero in exact
 * arithmetic (Σ's off-diagonal: XᵀX = 6I exactly, the 9.85e-10 printed is float32 round-off). The
 * Fourier evidence is a sum over a 500-feature basis: cases.json records a 1.2e-4 absolute (4.5e-6
 * relative) difference between the printed notebook value and the float32 re-run, so it is checked
 * against the re-run at rtol 1e-5 and against the printed value at rtol 1e-4 (≈ 2.8e-3 absolute).
 *
 * Time: about 15 s, nearly all in the device Fourier case, which factors a 500 × 500 matrix on the
 * cpu backend (about 3,000 rank-1-update dispatches of 250k elements); the rest is milliseconds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadReference } from '@probdl/vitest-config/reference';
import { affineBasis, indabaDataset, indabaValues } from '@probdl/datasets';
import { blrPosterior, randomFourierFeatures, ridgeSolution, type BlrPlacement } from '../../src/index.js';
import { expectClose } from './helpers.js';

interface Case {
  id: string;
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
  reproduced_float32?: Record<string, unknown>;
  notebook_printed?: Record<string, unknown>;
}
interface Cases {
  cases: Case[];
}
interface FourierFile {
  S: number[];
  u: number[];
  N_elements: number;
}

const cases = loadReference('indaba-bdl/cases.json') as Cases | undefined;
const fourier = loadReference('indaba-bdl/fourier_basis_S_u.json') as FourierFile | undefined;
const byId = (id: string): Case => {
  const c = cases?.cases.find((k) => k.id === id);
  if (c === undefined) throw new Error(`cases.json has no case ${id}`);
  return c;
};

const RTOL = 1e-5;
const ATOL = 1e-8;

function expectAllClose(got: ArrayLike<number>, want: readonly number[], what: string, rtol = RTOL, atol = ATOL): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expectClose(got[i] as number, w, rtol, atol, `${what}[${i}]`));
}

describe.skipIf(cases === undefined || fourier === undefined).each<BlrPlacement>(['host', 'device'])('Indaba practical conjugate cases on the %s', (on) => {
  let outlierPhi: tf.Tensor2D;
  let outlierY: tf.Tensor1D;
  beforeAll(() => {
    const { x, y } = indabaDataset('outlier');
    outlierPhi = affineBasis(x);
    outlierY = y;
    x.dispose();
    return () => tf.dispose([outlierPhi, outlierY]);
  });

  it('blr_posterior_alpha5: posterior mean and covariance (notebook cell 47 assert)', async () => {
    const c = byId('blr_posterior_alpha5');
    const post = await blrPosterior(outlierPhi, outlierY, { alpha: c.inputs.alpha as number, on });
    expect(post.on).toBe(on);
    expectAllClose(await post.mean.data(), c.expected.mu as number[], 'mu');
    expectAllClose(await post.covariance.data(), (c.expected.covariance as number[][]).flat(), 'covariance');
    // In exact arithmetic Σ = I/11 (XᵀX = 6I): the float32 re-run's values too.
    expectAllClose(await post.covariance.data(), (c.reproduced_float32?.covariance as number[][]).flat(), 'covariance (re-run)');
    post.dispose();
  });

  it('blr_posterior_predictive_alpha3: posterior, predictive mean/std at x_test[0, 100, 200], log evidence', async () => {
    const c = byId('blr_posterior_predictive_alpha3');
    const e = c.expected;
    const post = await blrPosterior(outlierPhi, outlierY, { alpha: c.inputs.alpha as number, on });
    expectAllClose(await post.mean.data(), e.mu as number[], 'mu');
    expectAllClose(await post.covariance.data(), (e.covariance as number[][]).flat(), 'covariance');
    // x_test = linspace(min(x) - 1, max(x) + 1, 201), in float32 as jnp.linspace.
    const xv = indabaValues('outlier').x;
    const xTest = tf.linspace(Math.min(...xv) - 1, Math.max(...xv) + 1, 201);
    const xt = await xTest.data();
    expectAllClose([xt[0] as number, xt[200] as number], c.inputs.x_test_values_first_last as number[], 'x_test first/last');
    const phiTest = affineBasis(xTest);
    const pred = await post.predict(phiTest);
    const noisy = await post.predict(phiTest, { includeNoise: true });
    const [m, s, sn] = await Promise.all([pred.mean.data(), pred.stddev.data(), noisy.stddev.data()]);
    const at = (a: ArrayLike<number>): number[] => [a[0] as number, a[100] as number, a[200] as number];
    expectAllClose(at(m), e['predictive_mean_at_x_test[0,100,200]'] as number[], 'predictive mean');
    // The practical's band is the epistemic std (noise excluded); with the noise, std² = that² + σ² (σ² = 1).
    expectAllClose(at(s), e['predictive_std_at_x_test[0,100,200]'] as number[], 'predictive std');
    expectAllClose(at(sn).map((v) => v * v), at(s).map((v) => v * v + 1), 'predictive std with noise, squared');
    expectClose(post.logEvidence, e.log_evidence as number, RTOL, 0, 'log evidence');
    tf.dispose([xTest, phiTest, pred.mean, pred.stddev, pred.variance, noisy.mean, noisy.stddev, noisy.variance]);
    post.dispose();
  });

  it('linear_evidence_nonlinear_alpha0.01: affine and Fourier evidences', async () => {
    const c = byId('linear_evidence_nonlinear_alpha0.01');
    const alpha = c.inputs.alpha as number;
    const { x, y } = indabaDataset('nonlinear');
    const affine = affineBasis(x);
    const pa = await blrPosterior(affine, y, { alpha, on });
    expectClose(pa.logEvidence, c.expected.affine_evidence as number, RTOL, 0, 'affine evidence');
    expectClose(pa.logEvidence, c.notebook_printed?.affine_evidence as number, RTOL, 0, 'affine evidence (printed)');
    // Fourier basis: Φ[n, j] = cos(x_n S_j + u_j) / sqrt(500), S (1 × 500) and u (500) from the file.
    const fb = fourier as FourierFile;
    const M = fb.S.length;
    expect(M).toBe(fb.N_elements);
    const S = tf.tensor2d(fb.S, [1, M]);
    const u = tf.tensor1d(fb.u);
    const phiDevice = randomFourierFeatures(x, { frequencies: S, phases: u });
    // An independent float64 copy of the basis on the host, from the same float32 values.
    const xv = indabaValues('nonlinear').x;
    const hostPhi = Array.from(xv, (xn) => fb.S.map((s, j) => Math.cos(xn * s + (fb.u[j] as number)) / Math.sqrt(M)));
    // float32 cos of arguments up to |x S + u| ≈ 15: ≈ 1e-6 absolute.
    expectAllClose(await phiDevice.data(), hostPhi.flat(), 'fourier basis', 0, 5e-6);
    const pf = await blrPosterior(on === 'host' ? hostPhi : phiDevice, y, { alpha, on });
    expectClose(pf.logEvidence, c.expected.fourier_evidence as number, RTOL, 0, 'fourier evidence (float32 re-run)');
    expectClose(pf.logEvidence, c.notebook_printed?.fourier_evidence as number, 1e-4, 0, 'fourier evidence (printed)');
    pa.dispose();
    pf.dispose();
    tf.dispose([x, y, affine, S, u, phiDevice]);
  });

  it('adam_regularised_linear_alpha3.58: exact ridge solution', async () => {
    const c = byId('adam_regularised_linear_alpha3.58');
    const w = await ridgeSolution(outlierPhi, outlierY, { alpha: c.inputs.alpha as number, on });
    expectAllClose(await w.data(), c.expected.exact_ridge_solution as number[], 'ridge solution');
    w.dispose();
  });
});
