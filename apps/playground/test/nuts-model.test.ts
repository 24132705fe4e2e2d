import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SampleAbortError } from '@probdl/inference-hmc';
import { defaultPoints, grid } from '../src/data.js';
import { bnnLogDensity, fitNuts, nutsDim } from '../src/nuts-model.js';

const points = defaultPoints().filter((_, i) => i % 3 === 0);

describe('nuts model', () => {
  it('the log density is batched over chains: one row per chain, each equal to its own evaluation', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([-1, 0, 1], [3, 1]);
    const y = tf.tensor2d([0.5, 0, -0.5], [3, 1]);
    const p = tf.randomNormal([3, nutsDim()], 0, 1, 'float32', 1);
    const f = bnnLogDensity(x, y);
    const all = tf.tidy(() => f(p).arraySync() as number[]);
    const one = all.map((_, c) => tf.tidy(() => (f(tf.slice(p, [c, 0], [1, nutsDim()])).arraySync() as number[])[0]!));
    expect(all).toHaveLength(3);
    for (let c = 0; c < 3; c++) expect(all[c]).toBeCloseTo(one[c]!, 3);
    tf.dispose([x, y, p]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a tiny run: finite draws and log densities, an ordered finite band, no leaks', async () => {
    const before = tf.memory().numTensors;
    let reports = 0;
    const fit = await fitNuts(points, { numChains: 2, numWarmup: 30, numSamples: 30, maxTreeDepth: 5, progress: () => reports++ });
    expect(reports).toBeGreaterThan(0);
    expect(fit.numChains).toBe(2);
    expect(fit.numDraws).toBe(30);
    expect(fit.draws).toHaveLength(2 * 30 * nutsDim());
    expect(fit.draws.every(Number.isFinite)).toBe(true);
    expect(fit.logDensity.every(Number.isFinite)).toBe(true);
    expect(fit.curve()).toHaveLength(30);
    const band = fit.band(grid(9));
    expect(band).toHaveLength(9);
    for (const r of band) {
      expect([r.mean, r.sd, r.lo, r.hi].every(Number.isFinite)).toBe(true);
      expect(r.lo).toBeLessThan(r.mean);
      expect(r.mean).toBeLessThan(r.hi);
      expect(r.sd).toBeGreaterThan(0);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an aborted signal rejects with SampleAbortError and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    controller.abort();
    await expect(fitNuts(points, { numChains: 2, numWarmup: 30, numSamples: 30, signal: controller.signal })).rejects.toBeInstanceOf(SampleAbortError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
