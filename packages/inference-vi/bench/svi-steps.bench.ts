/**
 * SVI steps per second (issue 7): full-rank VI on the Indaba practical's two models, and
 * Bayes-by-backprop on a 1→50→50→1 Bayesian MLP over 1,000 points, on every backend, and the same
 * Bayes-by-backprop loop in PyTorch (bench/bbb_mlp.py) where `import torch` works.
 *
 * - `fullRank VI linreg`: the practical's linear regression (the `outlier` data, affine basis, prior
 *   N(0, I/3), noise variance 1), fullRankNormal with the practical's `L = tril(L_o, -1) + diag(exp(sig))`
 *   parametrisation, reparameterised ELBO with 1,000 draws per step (the practical's Nsamples), Adam
 *   5e-3 with b1 = 0.99 (the practical's optax.adam), through `fitVi`.
 * - `fullRank VI logreg`: the same family and optimizer on the practical's logistic regression (the
 *   `classification` data, affine basis, Bernoulli likelihood on logits, prior N(0, I)).
 * - `bayes-by-backprop mlp`: bayesianMlp([50, 50, 1]) of DenseReparameterization layers (relu, prior
 *   N(0, 1), point-mass biases, one weight draw per step), Gaussian likelihood σ = 0.1, loss = NLL per
 *   example + KL/N, full batch of N = 1,000 points, Adam 1e-2, through `trainBayesByBackprop`. One
 *   timed run is a whole training call of 100 steps (the default, a short run) or, with
 *   PROBDL_BENCH_FULL=1, the 1,000 steps; figures are per step. The PyTorch script runs the
 *   same model, loss and optimizer (torch.optim.Adam) for the same number of steps per run.
 *
 * Every run ends with the loss history read back from the device (fitVi and trainBayesByBackprop
 * await it), so WebGPU's queued work is included.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineBenchmarks, defineCase } from '@probdl/bench';
import { MultivariateNormalDiag } from '@probdl/distributions';
import { affineBasis, indabaDataset } from '@probdl/datasets';
import { bayesianMlp } from '@probdl/nn-layers';
import { adam } from '@probdl/optimizers';
import { key, random, split, tree, type PRNGKey } from '@probdl/tensor-backend';
import { fitVi, fullRankNormal, gaussianLikelihood, trainBayesByBackprop, type SplitTarget } from '../src/index.js';

const FULL = process.env.PROBDL_BENCH_FULL === '1';
const VI_STEPS = 50;
const VI_SAMPLES = 1000;
const BBB_STEPS = FULL ? 1000 : 100;
const BBB_N = 1000;
const BBB_HIDDEN = 50;
const BBB_SIGMA = 0.1;
const BBB_LR = 1e-2;
const LOG_TWO_PI = Math.log(2 * Math.PI);

interface ViState {
  target: SplitTarget;
  release: () => void;
  seed: number;
}

/** The practical's linear regression: log N(y | X z, I) summed over the data, batched over z [S, 2]. */
function linregTarget(): ViState {
  const data = indabaDataset('outlier');
  const x = affineBasis(data.x);
  const s = 1 / Math.sqrt(3);
  const prior = new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [s, s] });
  const n = data.y.shape[0]!;
  const logLikelihood = (z: tf.Tensor): tf.Tensor =>
    tf.tidy(() => tf.sub(tf.mul(-0.5, tf.sum(tf.square(tf.sub(data.y, tf.matMul(z, x, false, true))), 1)), 0.5 * n * LOG_TWO_PI));
  return { target: { logLikelihood, prior }, release: () => (tf.dispose([data.x, data.y, x]), prior.dispose()), seed: 0 };
}

/** The practical's logistic regression: Σ_i [y_i·η_i − softplus(η_i)], η = X z, batched over z [S, 2]. */
function logregTarget(): ViState {
  const data = indabaDataset('classification');
  const x = affineBasis(data.x);
  const y = tf.reshape(data.y, [-1]);
  const prior = new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] });
  const logLikelihood = (z: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const eta = tf.matMul(z, x, false, true); // [S, N]
      return tf.sum(tf.sub(tf.mul(y, eta), tf.softplus(eta)), 1);
    });
  return { target: { logLikelihood, prior }, release: () => (tf.dispose([data.x, data.y, x, y]), prior.dispose()), seed: 0 };
}

function viCase(name: string, make: () => ViState) {
  const family = fullRankNormal({ parametrisation: 'indaba' });
  return defineCase<ViState>({
    name,
    unit: 'step',
    itemsPerRun: VI_STEPS,
    sync: `fitVi of ${VI_STEPS} steps awaits its ELBO history`,
    params: { family: 'fullRankNormal indaba', numSamples: VI_SAMPLES, stepsPerRun: VI_STEPS, optimizer: 'adam 5e-3 b1=0.99' },
    setup: make,
    run: async ({ state }) => {
      const { params } = await fitVi(key(state.seed++), state.target, family, {
        optimizer: adam(5e-3, { b1: 0.99 }),
        steps: VI_STEPS,
        numSamples: VI_SAMPLES,
        dim: 2,
      });
      tree.dispose(params);
    },
    teardown: ({ state }) => state.release(),
  });
}

interface BbbState {
  data: { x: tf.Tensor; y: tf.Tensor };
  seed: number;
}

const bbbCase = defineCase<BbbState>({
  name: `bayes-by-backprop mlp 1-${BBB_HIDDEN}-${BBB_HIDDEN}-1 N=${BBB_N}`,
  unit: 'step',
  itemsPerRun: BBB_STEPS,
  sync: `trainBayesByBackprop of ${BBB_STEPS} full-batch steps awaits its loss history`,
  params: { n: BBB_N, hidden: BBB_HIDDEN, stepsPerRun: BBB_STEPS, layer: 'reparameterization', lr: BBB_LR, full: FULL },
  timing: FULL ? { warmupRuns: 1, warmupMs: 0, minRuns: 2, minTimeMs: 0, maxRuns: 3 } : { warmupRuns: 1, warmupMs: 0, minRuns: 5, minTimeMs: 0, maxRuns: 10, maxTimeMs: 60_000 },
  setup: () => {
    const [kx, ky] = split(key(2024), 2) as [PRNGKey, PRNGKey];
    const x = random.uniform(kx, [BBB_N, 1], { minval: -1, maxval: 1 });
    const y = tf.tidy(() => tf.add(tf.sin(tf.mul(x, 3)), tf.mul(random.normal(ky, [BBB_N, 1]), BBB_SIGMA)));
    return { data: { x, y }, seed: 0 };
  },
  run: async ({ state }) => {
    const net = bayesianMlp([BBB_HIDDEN, BBB_HIDDEN, 1], { layer: 'reparameterization', activation: 'relu' });
    const { params } = await trainBayesByBackprop(key(state.seed++), net, state.data, {
      optimizer: adam(BBB_LR),
      likelihood: gaussianLikelihood(BBB_SIGMA),
      steps: BBB_STEPS,
    });
    tree.dispose(params);
  },
  teardown: ({ state }) => tf.dispose([state.data.x, state.data.y]),
  pytorch: { script: './bbb_mlp.py', args: { n: BBB_N, hidden: BBB_HIDDEN, steps: BBB_STEPS, sigma: BBB_SIGMA, lr: BBB_LR } },
});

export default defineBenchmarks({
  package: '@probdl/inference-vi',
  description: `SVI steps/s: full-rank VI on the Indaba linear and logistic regressions (${VI_SAMPLES} draws/step), Bayes-by-backprop 1-50-50-1 on ${BBB_N} points (${BBB_STEPS} steps per run${FULL ? '' : '; PROBDL_BENCH_FULL=1 for 1,000'}), vs PyTorch.`,
  cases: [viCase('fullRank VI linreg (outlier)', linregTarget), viCase('fullRank VI logreg (classification)', logregTarget), bbbCase],
});
