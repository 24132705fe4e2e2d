import * as tf from '@tensorflow/tfjs-core';
import { key, random, split } from '@probdl/tensor-backend';
import { expect, it } from 'vitest';
import { nuts } from '../../src/kernels/nuts/nuts.js';
import { disposeState, runChain } from './helpers.js';

// Simulation-based calibration (Talts et al. 2018) on a hierarchical normal model with three groups:
//   μ ~ N(0, 1),  θ_j | μ ~ N(μ, 1),  y_j | θ_j ~ N(θ_j, σ_j),  σ = (1, 0.5, 2).
// M replicates (prior draw → data → NUTS chain) run as ONE lockstep batch of M chains, each chain
// with its own data (a per-row log density). Ranks of the prior draw among L thinned posterior
// draws are uniform on {0, ..., L} when the sampler is right.
const M = 160;
const L = 9;
const THIN = 5;
const WARMUP = 10;
const SIGMA = [1, 0.5, 2];
const D = 4;

it('gives uniform SBC ranks on a 3-group hierarchical normal model (chi-square, alpha = 1e-3)', async () => {
  const [kPrior, kData, kInit, kRun] = split(key(71), 4);
  const eps = random.normalHost(kPrior!, [M, D]);
  const noise = random.normalHost(kData!, [M, 3]);
  const truth = new Float64Array(M * D);
  const y = new Float32Array(M * 3);
  for (let m = 0; m < M; m++) {
    const mu = eps[m * D]!;
    truth[m * D] = mu;
    for (let j = 0; j < 3; j++) {
      const theta = mu + eps[m * D + 1 + j]!;
      truth[m * D + 1 + j] = theta;
      y[m * 3 + j] = theta + SIGMA[j]! * noise[m * 3 + j]!;
    }
  }
  const data = tf.tensor2d(y, [M, 3]);
  const sigma = tf.tensor1d(SIGMA);
  const logp = (x: tf.Tensor) =>
    tf.tidy(() => {
      const mu = tf.slice(x, [0, 0], [-1, 1]);
      const theta = tf.slice(x, [0, 1], [-1, 3]);
      return tf.add(
        tf.add(tf.mul(-0.5, tf.squeeze(tf.square(mu), [1])), tf.mul(-0.5, tf.sum(tf.square(tf.sub(theta, mu)), -1))),
        tf.mul(-0.5, tf.sum(tf.square(tf.div(tf.sub(data, theta), sigma)), -1)),
      );
    });
  const kernel = nuts();
  const inverseMassMatrix = tf.ones([D]);
  // Chains start from independent prior-scale points, not from the truth.
  const start = kernel.init(tf.tidy(() => tf.mul(1.5, random.normal(kInit!, [M, D]))), logp);
  const counts = Array.from({ length: D }, () => new Array<number>(L + 1).fill(0));
  const ranks = Array.from({ length: D }, () => new Int32Array(M));
  let t = 0;
  const { state } = await runChain(kernel, kRun!, start, logp, { stepSize: 0.45, inverseMassMatrix }, WARMUP + L * THIN, async (s) => {
    t++;
    if (t <= WARMUP || (t - WARMUP) % THIN !== 0) return;
    const x = await s.position.data();
    for (let m = 0; m < M; m++) for (let d = 0; d < D; d++) if (x[m * D + d]! < truth[m * D + d]!) ranks[d]![m]!++;
  });
  for (let d = 0; d < D; d++) for (let m = 0; m < M; m++) counts[d]![ranks[d]![m]!]!++;
  // Chi-square with L degrees of freedom (L + 1 bins of expected M / (L + 1) = 16); alpha = 1e-3
  // over the D = 4 parameters (Bonferroni, 2.5e-4 each): critical value 31.43.
  const expected = M / (L + 1);
  for (let d = 0; d < D; d++) {
    const chi2 = counts[d]!.reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
    expect(chi2, `parameter ${d}: rank counts ${counts[d]!.join(' ')}`).toBeLessThan(31.43);
  }
  disposeState(state);
  disposeState(start);
  tf.dispose([data, sigma, inverseMassMatrix]);
}, 120_000);
