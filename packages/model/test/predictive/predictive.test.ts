import * as tf from '@tensorflow/tfjs-core';
import { Normal } from '@probdl/distributions';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { Predictive, type ModelContext } from '../../src/index.js';
import { mean, variance } from '../helpers.js';

// Conjugate normal model: mu ~ N(0, 1), y_i ~ N(mu, 0.5). `expandDims(mu, -1)` lets it broadcast
// over a leading sample axis of mu (the rule for batched prediction).
const SIGMA = 0.5;
const Y = [0.8, 1.3, 0.2, 1.1, 0.9];
function model(ctx: ModelContext, y?: tf.Tensor) {
  const mu = ctx.sample('mu', new Normal({ loc: 0, scale: 1 }));
  ctx.deterministic('shift', tf.add(mu, 1));
  ctx.plate('data', Y.length, () => ctx.sample('y', new Normal({ loc: tf.expandDims(mu, -1), scale: SIGMA }), { obs: y }));
}
// Float64 host posterior of mu.
const postPrec = 1 + Y.length / SIGMA ** 2;
const postMean = Y.reduce((a, b) => a + b, 0) / SIGMA ** 2 / postPrec;
const postVar = 1 / postPrec;

function guide(ctx: ModelContext) {
  const loc = ctx.param('loc', 0);
  ctx.sample('mu', new Normal({ loc, scale: Math.sqrt(postVar) }));
}

const S = 4000;
const column = async (t: tf.Tensor, j: number) => {
  const v = await t.data();
  const n = t.shape[1]!;
  return Array.from({ length: t.shape[0]! }, (_, s) => v[s * n + j]!);
};
const posterior = () => new Normal({ loc: postMean, scale: Math.sqrt(postVar) }).sample(key(100), [S]);

/** y - mu per draw: the observation noise, variance SIGMA^2 around 0. */
async function checkNoise(y: tf.Tensor, mu: tf.Tensor) {
  const res = await tf.sub(y, tf.expandDims(mu, -1)).data();
  expect(Math.abs(mean(res))).toBeLessThan(4 * Math.sqrt(SIGMA ** 2 / res.length) * 3);
  expect(Math.abs(variance(res) / SIGMA ** 2 - 1)).toBeLessThan(0.05);
}

async function checkPredictiveY(y: tf.Tensor, m: number, v: number) {
  expect(y.shape).toEqual([S, Y.length]);
  for (const j of [0, 3]) {
    const col = await column(y, j);
    expect(Math.abs(mean(col) - m)).toBeLessThan(4 * Math.sqrt(v / S));
    expect(Math.abs(variance(col) / v - 1)).toBeLessThan(4 * Math.sqrt(2 / S));
  }
}

describe('Predictive', () => {
  it('prior predictive: every site drawn numSamples times (looped and batched)', async () => {
    for (const batched of [false, true]) {
      const out = new Predictive(model, { numSamples: S, batched }).sample(key(1), tf.tensor1d(Y));
      expect(Object.keys(out).sort()).toEqual(['mu', 'shift', 'y']);
      expect(out.mu!.shape).toEqual([S]);
      const mu = await out.mu!.data();
      expect(Math.abs(mean(mu))).toBeLessThan(4 / Math.sqrt(S));
      expect(Math.abs(variance(mu) - 1)).toBeLessThan(4 * Math.sqrt(2 / S));
      await checkPredictiveY(out.y!, 0, 1 + SIGMA ** 2);
      await checkNoise(out.y!, out.mu!);
      await expect(out.shift!).toBeCloseTensor(await tf.add(out.mu!, 1).array(), { rtol: 1e-6 });
      tf.dispose(out);
    }
  });

  it('posterior predictive: observed sites re-drawn around each substituted draw', async () => {
    const samples = { mu: posterior() };
    for (const batched of [false, true]) {
      const out = new Predictive(model, { posteriorSamples: samples, batched }).sample(key(2), tf.tensor1d(Y));
      expect(Object.keys(out).sort()).toEqual(['shift', 'y']);
      await checkPredictiveY(out.y!, postMean, postVar + SIGMA ** 2);
      await checkNoise(out.y!, samples.mu);
      tf.dispose(out);
    }
  });

  it('batched and looped agree exactly on what is determined by the samples', async () => {
    const samples = { mu: tf.tensor1d([0.1, -0.4, 2]) };
    const a = new Predictive(model, { posteriorSamples: samples, returnSites: ['mu', 'shift'] }).sample(key(3), tf.tensor1d(Y));
    const b = new Predictive(model, { posteriorSamples: samples, returnSites: ['mu', 'shift'], batched: true }).sample(key(3), tf.tensor1d(Y));
    await expect(a.mu!).toBeCloseTensor([0.1, -0.4, 2]);
    await expect(a.shift!).toBeCloseTensor(await b.shift!.array(), { rtol: 0, atol: 0 });
    await expect(a.mu!).toBeCloseTensor(await b.mu!.array(), { rtol: 0, atol: 0 });
  });

  it('guide-based: latents from the guide (with params) replayed into the model', async () => {
    for (const batched of [false, true]) {
      const p = new Predictive(model, { guide, params: { loc: postMean }, numSamples: S, batched });
      const out = p.sample(key(4), tf.tensor1d(Y));
      expect(Object.keys(out).sort()).toEqual(['shift', 'y']);
      await checkPredictiveY(out.y!, postMean, postVar + SIGMA ** 2);
      const mu = tf.sub(out.shift!, 1);
      const muv = await mu.data();
      expect(Math.abs(mean(muv) - postMean)).toBeLessThan(4 * Math.sqrt(postVar / S));
      await checkNoise(out.y!, mu);
      tf.dispose([out, mu]);
    }
  });

  it('the same key gives the same draws', async () => {
    const p = new Predictive(model, { numSamples: 5 });
    const a = p.sample(key(5), tf.tensor1d(Y));
    const b = p.sample(key(5), tf.tensor1d(Y));
    await expect(a.y!).toBeCloseTensor(await b.y!.array(), { rtol: 0, atol: 0 });
  });

  it('errors name the site or the option', () => {
    expect(() => new Predictive(model, {})).toThrow(/numSamples is required/);
    expect(() => new Predictive(model, { posteriorSamples: { mu: tf.zeros([3]), b: tf.zeros([4]) } })).toThrow(/'b' has 4 draws.*'mu' has 3/);
    expect(() => new Predictive(model, { posteriorSamples: { mu: tf.zeros([3]) }, numSamples: 4 })).toThrow(/numSamples 4 differs/);
    expect(() => new Predictive(model, { posteriorSamples: { mu: tf.scalar(1) } })).toThrow(/'mu'.*leading sample axis/);
    expect(() => new Predictive(model, { numSamples: 2, returnSites: ['nope'] }).sample(key(0), tf.tensor1d(Y))).toThrow(/return site 'nope'/);
    const noBroadcast = (ctx: ModelContext) => {
      const mu = ctx.sample('mu', new Normal({ loc: 0, scale: 1 }));
      ctx.plate('data', 3, () => ctx.sample('y', new Normal({ loc: mu, scale: 1 })));
    };
    expect(() => new Predictive(noBroadcast, { posteriorSamples: { mu: tf.zeros([4]) }, batched: true }).sample(key(0))).toThrow(/site 'y'/);
  });

  it('no leaks', async () => {
    const y = tf.tensor1d(Y);
    const samples = { mu: tf.tensor1d([0.1, 0.2]) };
    await expectNoLeaks(() => new Predictive(model, { numSamples: 3 }).sample(key(0), y));
    await expectNoLeaks(() => new Predictive(model, { numSamples: 3, batched: true }).sample(key(0), y));
    await expectNoLeaks(() => new Predictive(model, { posteriorSamples: samples }).sample(key(0), y));
    await expectNoLeaks(() => new Predictive(model, { posteriorSamples: samples, batched: true }).sample(key(0), y));
    await expectNoLeaks(() => new Predictive(model, { guide, params: { loc: 1 }, numSamples: 2 }).sample(key(0), y));
    await expectNoLeaks(() => new Predictive(model, { guide, numSamples: 2, batched: true }).sample(key(0), y));
  });
});
