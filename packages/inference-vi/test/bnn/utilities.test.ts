import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bayesianMlp, dense, dropout, mlp, sequential } from '@probdl/nn-layers';
import { adam } from '@probdl/optimizers';
import { foldIn, key, random, split, tree, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import {
  bayesByBackpropLoss,
  buildEnsemble,
  cyclicalKlAnnealing,
  ensemblePredict,
  gaussianLikelihood,
  gaussianMixturePredictive,
  heteroscedasticGaussianLikelihood,
  linearKlWarmup,
  mcDropoutPredict,
  predictiveSamples,
  predictiveSummary,
  trainBayesByBackprop,
  trainEnsemble,
} from '../../src/index.js';

// Utilities of src/bnn: schedules, summaries against host formulas, ensembles, the training loop's
// keys and leaks, and error messages. About 5 s on cpu.

const flat = async (t: tf.Tensor) => Float64Array.from(await t.data());

/** numpy's 'linear' quantile of a sorted array. */
function hostQuantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Φ in float64 from erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
function hostPhi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - 0.5 * r : 0.5 * r;
}

function toyData(k: PRNGKey, n: number): { x: tf.Tensor; y: tf.Tensor } {
  const [kx, ky] = split(k, 2) as [PRNGKey, PRNGKey];
  const x = random.uniform(kx, [n, 1], { minval: -1, maxval: 1 });
  const y = tf.tidy(() => tf.add(tf.sin(tf.mul(x, 3)), tf.mul(random.normal(ky, [n, 1]), 0.1)));
  return { x, y };
}

describe('KL annealing schedules', () => {
  it('linearKlWarmup rises linearly from start to end over warmupSteps, then stays', () => {
    const s = linearKlWarmup({ warmupSteps: 4 });
    expect([0, 1, 2, 3, 4, 5, 100].map(s)).toEqual([0, 0.25, 0.5, 0.75, 1, 1, 1]);
    const s2 = linearKlWarmup({ warmupSteps: 2, start: 0.5, end: 0.1 });
    expect(s2(0)).toBe(0.5);
    expect(s2(1)).toBeCloseTo(0.3, 12);
    expect(s2(7)).toBeCloseTo(0.1, 12);
  });

  it('cyclicalKlAnnealing ramps over R·T steps of each cycle of T and restarts; after numCycles it stays at end', () => {
    const s = cyclicalKlAnnealing({ cycleLength: 8, rampFraction: 0.5 });
    expect([0, 1, 2, 3, 4, 7, 8, 9, 12, 16].map(s)).toEqual([0, 0.25, 0.5, 0.75, 1, 1, 0, 0.25, 1, 0]);
    const c = cyclicalKlAnnealing({ cycleLength: 4, rampFraction: 1, numCycles: 2, start: 0.2, end: 1 });
    expect(c(0)).toBeCloseTo(0.2, 12);
    expect(c(2)).toBeCloseTo(0.6, 12);
    expect(c(4)).toBeCloseTo(0.2, 12);
    expect(c(8)).toBe(1);
    expect(c(1000)).toBe(1);
  });

  it('bad options and steps are errors naming them', () => {
    expect(() => linearKlWarmup({ warmupSteps: 0 })).toThrow(/linearKlWarmup: warmupSteps must be an integer >= 1/);
    expect(() => cyclicalKlAnnealing({ cycleLength: 4, rampFraction: 0 })).toThrow(/cyclicalKlAnnealing: rampFraction must be a number in \(0, 1\]/);
    expect(() => cyclicalKlAnnealing({ cycleLength: 4, numCycles: 0.5 })).toThrow(/numCycles/);
    expect(() => linearKlWarmup({ warmupSteps: 3, end: -1 })).toThrow(/end must be a finite number >= 0/);
    expect(() => linearKlWarmup({ warmupSteps: 3 })(-1)).toThrow(/the step must be an integer >= 0/);
  });
});

describe('predictive summaries', () => {
  it('predictiveSummary: mean, std (divided by S), numpy-linear quantiles, a copy of the samples', async () => {
    const samples = random.normal(key(3), [7, 3, 2]);
    const v = await flat(samples);
    const before = tf.memory().numTensors;
    const levels = [0, 0.05, 0.5, 0.9, 1];
    const s = predictiveSummary(samples, { quantiles: levels });
    const [mean, std, q, copy] = await Promise.all([flat(s.mean), flat(s.std), flat(s.quantiles), flat(s.samples)]);
    expect(s.mean.shape).toEqual([3, 2]);
    expect(s.quantiles.shape).toEqual([5, 3, 2]);
    expect(s.levels).toEqual(levels);
    expect(Array.from(copy)).toEqual(Array.from(v));
    for (let e = 0; e < 6; e++) {
      const col = Array.from({ length: 7 }, (_, i) => v[i * 6 + e]!);
      const m = col.reduce((a, b) => a + b, 0) / 7;
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / 7);
      expect(mean[e]!).toBeCloseTo(m, 5);
      expect(std[e]!).toBeCloseTo(sd, 5);
      const sorted = [...col].sort((a, b) => a - b);
      levels.forEach((lv, j) => expect(q[j * 6 + e]!).toBeCloseTo(hostQuantile(sorted, lv), 5));
    }
    tree.dispose(s as unknown as Tree);
    expect(tf.memory().numTensors).toBe(before);
    // A rank-1 input [S] summarises to scalars.
    const r1 = predictiveSummary(tf.tensor1d([3, 1, 2, 4]), { quantiles: [0.5] });
    expect(r1.mean.shape).toEqual([]);
    expect((await r1.quantiles.data())[0]).toBeCloseTo(2.5, 6);
    tree.dispose(r1 as unknown as Tree);
    samples.dispose();
  });

  it('gaussianMixturePredictive: mean of means, mean of variances + variance of means, the mixture CDF at its quantiles', async () => {
    const means = random.normal(key(4), [5, 4]);
    const scales = tf.tidy(() => tf.add(tf.abs(random.normal(key(5), [5, 4])), 0.1));
    const [mu, sg] = [await flat(means), await flat(scales)];
    const before = tf.memory().numTensors;
    const levels = [0.05, 0.5, 0.95];
    const s = gaussianMixturePredictive(means, scales, { quantiles: levels });
    const [mean, variance, std, q] = await Promise.all([flat(s.mean), flat(s.variance), flat(s.std), flat(s.quantiles)]);
    for (let e = 0; e < 4; e++) {
      const m = Array.from({ length: 5 }, (_, i) => mu[i * 4 + e]!);
      const sd = Array.from({ length: 5 }, (_, i) => sg[i * 4 + e]!);
      const mm = m.reduce((a, b) => a + b, 0) / 5;
      const vv = sd.reduce((a, b) => a + b * b, 0) / 5 + m.reduce((a, b) => a + (b - mm) ** 2, 0) / 5;
      expect(mean[e]!).toBeCloseTo(mm, 5);
      expect(variance[e]!).toBeCloseTo(vv, 5);
      expect(std[e]!).toBeCloseTo(Math.sqrt(vv), 5);
      levels.forEach((lv, j) => {
        const t = q[j * 4 + e]!;
        const cdf = m.reduce((a, mi, i) => a + hostPhi((t - mi) / sd[i]!), 0) / 5;
        // float32 quantile t (relative 6e-8) moves the CDF by at most density·|t|·6e-8; 1e-5 is generous.
        expect(Math.abs(cdf - lv)).toBeLessThan(1e-5);
      });
    }
    tree.dispose(s as unknown as Tree);
    expect(tf.memory().numTensors).toBe(before);
    // A number scale: every component N(μ_s, 0.5²).
    const s2 = gaussianMixturePredictive(means, 0.5);
    const v2 = await flat(s2.variance);
    const m0 = Array.from({ length: 5 }, (_, i) => mu[i * 4]!);
    const mm0 = m0.reduce((a, b) => a + b, 0) / 5;
    expect(v2[0]!).toBeCloseTo(0.25 + m0.reduce((a, b) => a + (b - mm0) ** 2, 0) / 5, 5);
    tree.dispose(s2 as unknown as Tree);
    tf.dispose([means, scales]);
  });
});

describe('prediction', () => {
  const net = sequential([dense(8, { activation: 'relu' }), dropout(0.5), dense(1)]);
  let params: Tree;
  let x: tf.Tensor;
  beforeAll(() => {
    params = net.init(key(0), [1]);
    x = tf.reshape(tf.linspace(-1, 1, 6), [6, 1]);
  });
  afterAll(() => {
    tree.dispose(params);
    x.dispose();
  });

  it('mcDropoutPredict: pass s is apply with { mcDropout: true, key: foldIn(key, s) }', async () => {
    const before = tf.memory().numTensors;
    const out = mcDropoutPredict(net, params, x, key(9), { numSamples: 3 });
    expect(out.shape).toEqual([3, 6, 1]);
    expect(tf.memory().numTensors).toBe(before + 1);
    const got = await flat(out);
    for (let s = 0; s < 3; s++) {
      const ref = net.apply(params, x, { mcDropout: true, key: foldIn(key(9), s) });
      expect(Array.from(got.slice(s * 6, s * 6 + 6))).toEqual(Array.from(await flat(ref)));
      ref.dispose();
    }
    // Passes differ (masks drawn per pass): dropout 0.5 on 8 units.
    expect(Array.from(got.slice(0, 6))).not.toEqual(Array.from(got.slice(6, 12)));
    out.dispose();
  });

  it('predictiveSamples passes applyOptions and draws weights of a Bayesian network per pass', async () => {
    const bnet = bayesianMlp([4, 1]);
    const bp = bnet.init(key(1), [1]);
    const out = predictiveSamples(bnet, bp, x, key(2), { numSamples: 2 });
    const ref = bnet.apply(bp, x, { key: foldIn(key(2), 1) });
    expect(Array.from((await flat(out)).slice(6))).toEqual(Array.from(await flat(ref)));
    const mean = predictiveSamples(bnet, bp, x, key(2), { numSamples: 2, applyOptions: { sample: false } });
    const m = await flat(mean);
    expect(Array.from(m.slice(0, 6))).toEqual(Array.from(m.slice(6)));
    tf.dispose([out, ref, mean]);
    tree.dispose(bp);
  });

  it('errors: a missing key, a bad numSamples, a non-module, a scalar x', () => {
    expect(() => mcDropoutPredict(net, params, x, undefined as never, { numSamples: 2 })).toThrow(/mcDropoutPredict: argument 'key' is required/);
    expect(() => predictiveSamples(net, params, x, key(0), { numSamples: 0 })).toThrow(/predictiveSamples: option 'numSamples' must be an integer >= 1, got 0/);
    expect(() => predictiveSamples({} as never, params, x, key(0), { numSamples: 1 })).toThrow(/predictiveSamples: argument 'module' must be a module/);
    const sc = tf.scalar(1);
    expect(() => mcDropoutPredict(net, params, sc, key(0), { numSamples: 1 })).toThrow(/mcDropoutPredict: argument 'x' must be a tensor with a leading batch axis, got a tensor of shape \[\]/);
    sc.dispose();
  });
});

describe('deep ensembles', () => {
  it('trainEnsemble: member m is trainBayesByBackprop with foldIn(key, m); members differ; ensemblePredict stacks them', async () => {
    const data = toyData(key(21), 32);
    const net = mlp([8, 1], { activation: 'tanh' });
    const opts = { optimizer: adam(1e-2), likelihood: gaussianLikelihood(0.1), steps: 5, batchSize: 16 };
    const before = tf.memory().numTensors;
    const ens = await trainEnsemble(key(7), net, data, { ...opts, members: 3 });
    expect(ens.members.length).toBe(3);
    expect(ens.histories.map((h) => h.length)).toEqual([5, 5, 5]);
    const one = await trainBayesByBackprop(foldIn(key(7), 1), net, data, opts);
    const a = tree.ravel(ens.members[1] as Tree);
    const b = tree.ravel(one.params);
    expect(Array.from(await flat(a.flat))).toEqual(Array.from(await flat(b.flat)));
    const c = tree.ravel(ens.members[0] as Tree);
    const d0 = await flat(c.flat);
    const d1 = await flat(a.flat);
    expect(d0.some((v, i) => Math.abs(v - d1[i]!) > 1e-3)).toBe(true);
    tf.dispose([a.flat, b.flat, c.flat]);
    tree.dispose(one.params);

    const out = ensemblePredict(net, ens.members, data.x);
    expect(out.shape).toEqual([3, 32, 1]);
    const ref = net.apply(ens.members[2]!, data.x);
    expect(Array.from((await flat(out)).slice(64))).toEqual(Array.from(await flat(ref)));
    // The ensemble's Gaussian predictive: mixture of N(f_m, 0.1²).
    const s = gaussianMixturePredictive(out, 0.1);
    const f = await flat(out);
    const v = await flat(s.variance);
    const m0 = [f[0]!, f[32]!, f[64]!];
    const mm = (m0[0]! + m0[1]! + m0[2]!) / 3;
    expect(v[0]!).toBeCloseTo(0.01 + m0.reduce((acc, z) => acc + (z - mm) ** 2, 0) / 3, 5);
    tree.dispose(s as unknown as Tree);
    tf.dispose([out, ref]);
    tree.dispose(ens.members as Tree);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([data.x, data.y]);
  });

  it('buildEnsemble takes any trainer; a failing member disposes those already trained', async () => {
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const ens = await buildEnsemble(key(1), 2, (k, i) => {
      seen.push(i);
      return { params: { w: random.normal(k, [2]) }, history: new Float32Array([i]) };
    });
    expect(seen).toEqual([0, 1]);
    expect(ens.histories.map((h) => Array.from(h))).toEqual([[0], [1]]);
    tree.dispose(ens.members as Tree);
    await expect(
      buildEnsemble(key(1), 3, (k, i) => {
        if (i === 2) throw new Error('boom');
        return { params: { w: random.normal(k, [2]) } };
      }),
    ).rejects.toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
    await expect(buildEnsemble(key(1), 0, () => ({ params: {} }))).rejects.toThrow(/buildEnsemble: option 'members' must be an integer >= 1/);
  });
});

describe('trainBayesByBackprop', () => {
  it('leaks nothing over 300 minibatch steps: one pending loss per step, all freed at the end', async () => {
    const data = toyData(key(31), 64);
    const net = bayesianMlp([16, 1], { activation: 'tanh' });
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const betas: number[] = [];
    const { params, history, klWeights } = await trainBayesByBackprop(key(5), net, data, {
      optimizer: adam(1e-2),
      likelihood: gaussianLikelihood(0.1),
      steps: 300,
      batchSize: 20, // 4 batches per epoch, the last of 4 examples
      annealing: linearKlWarmup({ warmupSteps: 100 }),
      onStep: ({ step, klWeight }) => {
        counts.push(tf.memory().numTensors);
        betas.push(klWeight);
        expect(step).toBe(counts.length - 1);
      },
    });
    // Between steps the live tensors are the params, the optimizer state and the losses not yet read
    // back (one per step, read back every 512 steps): exactly one more per step.
    for (let i = 1; i < counts.length; i++) expect(counts[i]! - counts[0]!).toBe(i);
    expect(history.length).toBe(300);
    expect(history.every(Number.isFinite)).toBe(true);
    expect(Array.from(klWeights)).toEqual(betas);
    expect(klWeights[50]).toBeCloseTo(0.5, 12);
    tree.dispose(params);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([data.x, data.y]);
  }, 60_000);

  it('is a pure function of its key; epochs = ceil(N / batchSize) steps each; the loss falls', async () => {
    const data = toyData(key(41), 30);
    const net = bayesianMlp([8, 1], { activation: 'tanh' });
    const opts = { optimizer: adam(2e-2), likelihood: gaussianLikelihood(0.1), epochs: 20, batchSize: 8 };
    const r1 = await trainBayesByBackprop(key(6), net, data, opts);
    const r2 = await trainBayesByBackprop(key(6), net, data, opts);
    expect(r1.history.length).toBe(80);
    expect(Array.from(r1.history)).toEqual(Array.from(r2.history));
    const mean = (h: Float32Array) => h.reduce((a, b) => a + b, 0) / h.length;
    expect(mean(r1.history.slice(60))).toBeLessThan(mean(r1.history.slice(0, 20)));
    // Keys as documented: a full-batch run's first loss is bayesByBackpropLoss at init(split(key, 3)[0])
    // with the step key foldIn(split(key, 3)[2], 0).
    const [initKey, , stepKey] = split(key(6), 3) as [PRNGKey, PRNGKey, PRNGKey];
    const full = await trainBayesByBackprop(key(6), net, data, { ...opts, epochs: undefined, steps: 1, batchSize: undefined });
    const p0 = net.init(initKey, [1]);
    const l0 = bayesByBackpropLoss(net, p0, data.x, data.y, { key: foldIn(stepKey, 0), likelihood: gaussianLikelihood(0.1) });
    expect(full.history[0]).toBe((await l0.data())[0]);
    tree.dispose([r1.params, r2.params, full.params, p0] as Tree);
    tf.dispose([l0, data.x, data.y]);
  });

  it('errors: missing key, mismatched x and y, a likelihood of the wrong shape, steps and epochs together', async () => {
    const net = bayesianMlp([4, 1]);
    const p = net.init(key(0), [1]);
    const x = tf.zeros([5, 1]);
    const y = tf.zeros([4, 1]);
    const y5 = tf.zeros([5, 1]);
    const y52 = tf.zeros([5, 2]);
    const lik = gaussianLikelihood(1);
    const before = tf.memory().numTensors;
    expect(() => bayesByBackpropLoss(net, p, x, y5, { likelihood: lik } as never)).toThrow(/bayesByBackpropLoss: option 'key' is required/);
    expect(() => bayesByBackpropLoss(net, p, x, y, { key: key(0), likelihood: lik })).toThrow(/bayesByBackpropLoss: x and y must have the same number of examples \(leading axis\): x is \[5, 1\], y is \[4, 1\]/);
    expect(() => bayesByBackpropLoss(net, p, x, y5, { key: key(0), likelihood: () => tf.zeros([3]) })).toThrow(/must have the batch's 5 examples on its leading axis/);
    expect(() => bayesByBackpropLoss(net, p, x, y52, { key: key(0), likelihood: lik })).toThrow(/gaussianLikelihood: the network outputs \[5, 1\] and the targets y \[5, 2\] must have the same shape/);
    expect(() => bayesByBackpropLoss(net, p, x, y5, { key: key(0), likelihood: heteroscedasticGaussianLikelihood() })).toThrow(/heteroscedasticGaussianLikelihood: outputs must be \[\.\.\., 2k\]/);
    expect(() => bayesByBackpropLoss(net, p, x, y5, { key: key(0), likelihood: lik, klWeight: -1 })).toThrow(/option 'klWeight' must be a finite number >= 0/);
    expect(() => bayesByBackpropLoss(net, p, x, y5, { key: key(0), likelihood: lik, datasetSize: 0 })).toThrow(/option 'datasetSize' must be an integer >= 1/);
    // A stochastic module predicted without a key (ensemblePredict's key is optional): the module's own
    // error naming `key` surfaces unchanged.
    expect(() => ensemblePredict(net, [p], x)).toThrow(/needs `key`/);
    expect(tf.memory().numTensors).toBe(before);
    const data = { x, y: y5 };
    await expect(trainBayesByBackprop(key(0), net, data, { optimizer: adam(1e-2), likelihood: lik, steps: 2, epochs: 1 })).rejects.toThrow(/trainBayesByBackprop: give exactly one of the options 'steps' and 'epochs'/);
    await expect(trainBayesByBackprop(key(0), net, data, { optimizer: adam(1e-2), likelihood: lik, steps: 2, batchSize: 0 })).rejects.toThrow(/option 'batchSize' must be an integer >= 1, got 0/);
    await expect(trainBayesByBackprop(key(0), net, data, { optimizer: adam(1e-2), likelihood: lik, steps: 2, annealing: () => Number.NaN })).rejects.toThrow(/the annealing schedule gave NaN at step 0/);
    await expect(trainBayesByBackprop(key(0), net, { x, y }, { optimizer: adam(1e-2), likelihood: lik, steps: 1 })).rejects.toThrow(/trainBayesByBackprop: x and y must have the same number of examples/);
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose(p);
    tf.dispose([x, y, y5, y52]);
  });
});
