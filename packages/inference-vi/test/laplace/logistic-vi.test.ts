import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MultivariateNormalDiag } from '@probdl/distributions';
import { affineBasis, indabaDataset, indabaValues } from '@probdl/datasets';
import { adam } from '@probdl/optimizers';
import { key, logSigmoid } from '@probdl/tensor-backend';
import { findMap, fitVi, fullRankNormal, laplace, type SplitTarget } from '../../src/index.js';

// Issue 7 verification: "full-rank VI on the practical's logistic regression lands at the values
// given" — cell 106 of the Indaba 2022 practical (cases.json informational_stochastic_outputs):
// BBVI, Bernoulli likelihood, prior N(0, I/α) with α = 0.75, 100 samples, 2000 steps, printed
// "objective_value ... cur -2.499". Informational only (JAX's RNG and optimiser noise are not
// reproducible), so the check is statistical. Takes ~25 s on cpu (2000 steps × 100 draws).

const ALPHA = 0.75;

/**
 * The exact posterior by float64 quadrature on a 2-D grid (w0 ∈ [−4, 5], w1 ∈ [−3, 7], step 0.01;
 * the posterior mass outside is < 1e-8): log Z including the prior's normaliser, mean and sd.
 */
function exactPosterior(): { logZ: number; mean: number[]; sd: number[] } {
  const { x, y } = indabaValues('classification');
  const h = 0.01;
  const lp: number[] = [];
  const pts: [number, number][] = [];
  let max = -Infinity;
  for (let i = 0; i <= 900; i++) {
    for (let j = 0; j <= 1000; j++) {
      const w0 = -4 + i * h;
      const w1 = -3 + j * h;
      let l = -0.5 * ALPHA * (w0 * w0 + w1 * w1) + Math.log(ALPHA / (2 * Math.PI));
      for (let n = 0; n < x.length; n++) {
        const f = w0 + w1 * x[n]!;
        // log sigmoid(±f), stable
        const ls = (t: number): number => (t >= 0 ? -Math.log1p(Math.exp(-t)) : t - Math.log1p(Math.exp(t)));
        l += y[n]! === 1 ? ls(f) : ls(-f);
      }
      lp.push(l);
      pts.push([w0, w1]);
      if (l > max) max = l;
    }
  }
  let z = 0;
  const m = [0, 0];
  const m2 = [0, 0];
  lp.forEach((l, k) => {
    const p = Math.exp(l - max);
    z += p;
    for (let d = 0; d < 2; d++) {
      m[d]! += p * pts[k]![d]!;
      m2[d]! += p * pts[k]![d]! ** 2;
    }
  });
  const mean = m.map((v) => v / z);
  return { logZ: max + Math.log(z * h * h), mean, sd: m2.map((v, d) => Math.sqrt(v / z - mean[d]! ** 2)) };
}

function setup() {
  const data = indabaDataset('classification');
  const x = affineBasis(data.x);
  const prior = new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1 / Math.sqrt(ALPHA), 1 / Math.sqrt(ALPHA)] });
  const logLikelihood = (w: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const logits = tf.matMul(w, x, false, true);
      return tf.sum(tf.add(tf.mul(data.y, logSigmoid(logits)), tf.mul(tf.sub(1, data.y), logSigmoid(tf.neg(logits)))), 1);
    });
  const target: SplitTarget = { logLikelihood, prior };
  return { target, dispose: () => { tf.dispose([data.x, data.y, x]); prior.dispose(); } };
}

describe('full-rank VI on the practical logistic regression (cell 106)', () => {
  it('the final ELBO is the printed −2.499 and the VI mean sits near the Laplace mean', async () => {
    const { target, dispose } = setup();
    // The practical's q (indaba parametrisation), analytic-KL ELBO with 100 draws, optax.adam with
    // b1 = 0.99; lr 5e-3 as in the practical's other BBVI cells (102, 116).
    const { params, history } = await fitVi(key(0), target, fullRankNormal({ parametrisation: 'indaba' }), {
      optimizer: adam(5e-3, { b1: 0.99 }),
      steps: 2000,
      numSamples: 100,
      estimator: 'analyticKl',
    });
    // The printed "cur" is a window mean of the objective; take the mean of the last 200 steps.
    // Tolerance 0.1: the per-step MC standard error of a 100-draw ELBO here is ~0.05 (the
    // log-likelihood's sd under q is ~0.5), so a 200-step window mean has SE < 0.01 even with
    // correlated steps; the rest is optimiser noise (the practical's window may still be converging,
    // its max over windows was −2.481) and the difference between the two runs' final q.
    let tail = 0;
    for (let i = 1800; i < 2000; i++) tail += history[i]!;
    tail /= 200;
    expect(Math.abs(tail - -2.499)).toBeLessThan(0.1);
    // The ELBO is a lower bound on the exact log evidence (−2.485 by quadrature): the window mean
    // may exceed it only by its Monte Carlo error (< 0.01, see above).
    const exact = exactPosterior();
    expect(tail).toBeLessThan(exact.logZ + 0.02);

    // Laplace at the MAP (α = 0.75, same target) and the VI mean: the posterior is skewed (the data
    // are separable, so the slope's right tail is long), so the mode lies ~0.4 sd below the mean in
    // w1; require < 0.5 Laplace sd per coordinate. And the VI mean against the exact posterior
    // mean: a full-rank Gaussian fit by reverse KL sits near it; require < 0.15 exact sd (optimiser
    // noise of Adam at lr 5e-3 with 100-draw gradients moves the mean by ~0.02 sd).
    const init = tf.zeros([2]);
    const logJoint = (w: tf.Tensor): tf.Tensor => tf.add(target.logLikelihood(w), target.prior.logProb(w));
    const { position } = await findMap(logJoint, init, { optimizer: adam(0.1), steps: 300 });
    const approx = await laplace(logJoint, position);
    const vMean = await params.w.data();
    const lMean = approx.host.mean;
    const sd = [Math.sqrt(approx.host.covariance.data[0]!), Math.sqrt(approx.host.covariance.data[3]!)];
    const z = [0, 1].map((i) => (vMean[i]! - lMean[i]!) / sd[i]!);
    for (const zi of z) expect(Math.abs(zi)).toBeLessThan(0.5);
    for (let i = 0; i < 2; i++) expect(Math.abs(vMean[i]! - exact.mean[i]!) / exact.sd[i]!).toBeLessThan(0.15);
    // The Laplace evidence approximates the exact one (not exactly: the posterior is skewed);
    // measured −2.510 against −2.485.
    expect(Math.abs(approx.logEvidence - exact.logZ)).toBeLessThan(0.1);
    console.log(`logistic VI: window-mean ELBO ${tail.toFixed(4)} (practical -2.499); exact log Z ${exact.logZ.toFixed(4)}; Laplace log Z ${approx.logEvidence.toFixed(4)}; VI mean ${Array.from(vMean, (v) => v.toFixed(4))}; exact mean ${exact.mean.map((v) => v.toFixed(4))}; MAP ${Array.from(lMean, (v) => v.toFixed(4))}`);
    approx.dispose();
    tf.dispose([init, position, params.w, params.L_o, params.sig]);
    dispose();
  }, 60000);
});
