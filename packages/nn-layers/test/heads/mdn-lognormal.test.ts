/**
 * Verification (issue 5): a 16-component mixtureNormal MDN trained by negative log-likelihood on
 * the lognormal toy problem of ../shared/reference/cluster-masses/DATASET_DESCRIPTION.md, section
 * "A data-free companion" (from F. Lanusse's UnderstandingLossFunctions notebook):
 *   x ~ U(0.1, 1.5), y = 2x + exp(x·z), z ~ N(0, 1)   (scipy lognorm(s = x, loc = 2x)),
 * with the analytic summaries of p(y | x): mean 2x + exp(x²/2), median 2x + 1, mode 2x + exp(−x²).
 * The data are drawn here from keys, so the test needs no file.
 *
 * The learned mixture's mean is its analytic mean (`dist.mean()`, Σ w μ), its median comes from
 * bisection on its cdf and its mode from a grid search on its density (both in float64 on the host,
 * from the mixture's weights, locs and scales).
 *
 * Cost: the trunk is 1 → 32 relu → 32 tanh → 48 (the tutorial's is 128-wide; 32 is enough for this
 * smooth problem) and 2,000 Adam steps of 256 rows (17 epochs of 30,000 rows). On the cpu backend a
 * step takes about 5× as long as on wasm, so the file switches itself to wasm (restoring the
 * previous backend after): about 10 s of CPU time (9-15 s wall on a shared 2-core machine).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Independent, MixtureSameFamily, Normal } from '@probdl/distributions';
import { adam, applyUpdates, cosineDecaySchedule } from '@probdl/optimizers';
import { currentBackend, foldIn, initBackend, key, random, split, tree, valueAndGrad, type BackendName, type Tree } from '@probdl/tensor-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mixtureNormal, probabilisticMlp } from '../../src/heads/index.js';
import { mlp } from '../../src/layers/index.js';
import { negativeLogLikelihood } from '../../src/losses/index.js';

const SEED = Number(process.env.MDN_SEED ?? 42);
const N = 30_000;
const STEPS = 2_000;
const BATCH = 256;
const K = 16;

/** Φ(z) through erfc (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7): enough for a bisection to 1e-6. */
function normalCdf(z: number): number {
  const x = -z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-x * x + poly);
  return 0.5 * (x >= 0 ? r : 2 - r);
}

let previous: BackendName | undefined;
beforeAll(async () => {
  previous = currentBackend() as BackendName;
  await initBackend({ prefer: ['wasm', 'cpu'] });
});
afterAll(async () => {
  if (previous !== undefined && previous !== currentBackend()) await initBackend({ prefer: [previous] });
});

describe('MDN (mixtureNormal(16, [1])) on the lognormal toy problem', () => {
  it('recovers the analytic mean, median and mode of p(y | x) over x in [0.1, 1.5]', async () => {
    const [kx, kz, kInit, kShuffle] = split(key(SEED), 4) as [ReturnType<typeof key>, ReturnType<typeof key>, ReturnType<typeof key>, ReturnType<typeof key>];
    const x = random.uniform(kx, [N, 1], { minval: 0.1, maxval: 1.5 });
    const y = tf.tidy(() => tf.add(tf.mul(2, x), tf.exp(tf.mul(x, random.normal(kz, [N, 1])))));

    const head = mixtureNormal(K, [1]);
    const model = probabilisticMlp([32, 32], head, { activations: ['relu', 'tanh', 'identity'] });
    expect(model.body.outputShape([1])).toEqual(mlp([32, 32, 48]).outputShape([1]));
    let params = model.init(kInit, [1]);
    const opt = adam(cosineDecaySchedule(5e-3, STEPS, 0.02));
    let state = opt.init(params);
    const lossAndGrad = valueAndGrad((p: Tree, xb: tf.Tensor, yb: tf.Tensor): tf.Scalar => {
      const d = model.apply(p, xb);
      const nll = negativeLogLikelihood(d, yb);
      d.dispose();
      return nll;
    });

    const stepsPerEpoch = Math.floor(N / BATCH);
    let perm: Int32Array = new Int32Array(0);
    let finalLoss = NaN;
    const before = tf.memory().numTensors;
    for (let s = 0; s < STEPS; s++) {
      if (s % stepsPerEpoch === 0) perm = random.permutationIndices(foldIn(kShuffle, s / stepsPerEpoch), N);
      const b = s % stepsPerEpoch;
      const idx = tf.tensor1d(perm.subarray(b * BATCH, (b + 1) * BATCH), 'int32');
      const xb = tf.gather(x, idx);
      const yb = tf.gather(y, idx);
      const [loss, grads] = lossAndGrad(params, xb, yb);
      const [updates, nextState] = opt.update(grads, state, params);
      const nextParams = applyUpdates(params, updates);
      if (s === STEPS - 1) finalLoss = (await loss.data())[0]!;
      tf.dispose([idx, xb, yb, loss, tree.leaves(grads), tree.leaves(updates), tree.leaves(params), tree.leaves(state)]);
      params = nextParams;
      state = nextState;
    }
    // The loop leaks nothing: params and optimizer state were replaced one for one.
    expect(tf.memory().numTensors).toBe(before);
    // The tutorial's MDN ends near 1.04 on its test set; a fit that failed stays above 1.5.
    expect(finalLoss).toBeLessThan(1.3);

    // Summaries of the learned p(y | x) on a grid of x.
    const xs = Array.from({ length: 15 }, (_, i) => 0.1 + 0.1 * i);
    const xg = tf.tensor2d(xs, [xs.length, 1]);
    const d = model.apply(params, xg) as MixtureSameFamily;
    const meanT = d.mean();
    const mean = await meanT.data();
    const normal = (d.componentsDistribution as Independent).distribution as Normal;
    const [logits, locs, scales] = await Promise.all([d.mixtureDistribution.logits.data(), normal.loc.data(), normal.scale.data()]);
    d.dispose();
    tf.dispose([xg, meanT, x, y, tree.leaves(params), tree.leaves(state)]);

    const failures: string[] = [];
    xs.forEach((xv, r) => {
      const lw = Array.from(logits.subarray(r * K, (r + 1) * K));
      const m = Math.max(...lw);
      const z = lw.reduce((a, v) => a + Math.exp(v - m), 0);
      const w = lw.map((v) => Math.exp(v - m) / z);
      const mu = Array.from(locs.subarray(r * K, (r + 1) * K));
      const sd = Array.from(scales.subarray(r * K, (r + 1) * K));
      const cdf = (t: number): number => w.reduce((a, wk, k) => a + wk * normalCdf((t - mu[k]!) / sd[k]!), 0);
      const pdf = (t: number): number => w.reduce((a, wk, k) => a + (wk * Math.exp(-0.5 * ((t - mu[k]!) / sd[k]!) ** 2)) / sd[k]!, 0);
      let lo = -50;
      let hi = 200;
      for (let i = 0; i < 60; i++) {
        const mid = 0.5 * (lo + hi);
        if (cdf(mid) < 0.5) lo = mid;
        else hi = mid;
      }
      const median = 0.5 * (lo + hi);
      let mode = NaN;
      let best = -1;
      for (let t = 2 * xv; t <= 2 * xv + 5; t += 5e-4) {
        const p = pdf(t);
        if (p > best) [best, mode] = [p, t];
      }

      // Tolerances, from the sampling error plus an approximation allowance (not tuned to a run).
      // Finite sample: the network pools the rows within roughly ±0.05 of x, n_eff ≈ 30,000 × 0.1 / 1.4
      // ≈ 2,000, so 4 standard errors are 4·sd/√n ≈ 0.09·sd for the mean and 4·1.25·x/√n ≈ 0.11·x for
      // the median (1 / (2 f(median) √n) with f(median) = 1 / (x √(2π))); we allow 0.12·sd and 0.16·x.
      // The mean gets the wider multiple because it is a tail quantity: at x = 1.5 (sd ≈ 9) a sample of
      // 2,000 lognormal(σ = 1.5) draws mostly under-represents the far right tail, and so does a
      // likelihood fit, so its error is one-sided (seeds 42, 1, 7 gave −0.55, −0.67, −0.79 there, against 1.13).
      // Approximation and optimisation: 16 Gaussians with scale ≥ 1e-3, 2,000 SGD steps: 0.05 absolute.
      // Mode: the true density's curvature width at its mode is x·e^(−x²) (−d² log p / dy² = 1 / (x e^(−x²))²);
      // a mode displaced by one width still has e^(−1/2) ≈ 61% of the peak density, so we allow one width
      // plus 0.05: a flat-topped skewed peak fitted by Gaussians moves its grid maximum that much.
      const sdTrue = Math.sqrt((Math.exp(xv * xv) - 1) * Math.exp(xv * xv));
      const checks: [string, number, number, number][] = [
        ['mean', mean[r]!, 2 * xv + Math.exp((xv * xv) / 2), 0.12 * sdTrue + 0.05],
        ['median', median, 2 * xv + 1, 0.16 * xv + 0.05],
        ['mode', mode, 2 * xv + Math.exp(-xv * xv), xv * Math.exp(-xv * xv) + 0.05],
      ];
      for (const [name, got, want, tol] of checks) {
        if (!(Math.abs(got - want) <= tol)) failures.push(`x = ${xv.toFixed(1)}: ${name} ${got.toFixed(3)} vs ${want.toFixed(3)} (|err| ${Math.abs(got - want).toFixed(3)} > ${tol.toFixed(3)})`);
      }
      if (process.env.MDN_VERBOSE) {
        console.log(checks.map(([n, g, wnt, tol]) => `${n} ${(g - wnt).toFixed(3)}/${tol.toFixed(3)}`).join('  '), `x=${xv.toFixed(1)}`);
      }
    });
    expect(failures).toEqual([]);
  }, 120_000);
});
