import * as tf from '@tensorflow/tfjs-core';
import { adam } from '@probdl/optimizers';
import { key, tree } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { autoLaplaceApproximation, autoLowRankMultivariateNormal, svi } from '../../src/index.js';
import { scaleModel } from '../svi/models.js';

// SVI with autoguides on every backend (cpu, wasm, WebGPU): a one-parameter model with a positive
// site, a few steps, no leaks. (AutoMultivariateNormal is left out: the gradient of FillScaleTriL's
// tf.gather needs UnsortedSegmentSum, which tfjs-backend-wasm 4.22 lacks.) σ of y ~ N(0, σ²), σ ~ HalfNormal(1), y = ±0.5, ±1 (S = 2.5, N = 4).
describe('SVI across backends', () => {
  it('trains AutoLowRankMultivariateNormal without leaks and reports positive σ', async () => {
    const y = tf.tensor1d([0.5, -0.5, 1, -1]);
    const guide = autoLowRankMultivariateNormal(scaleModel);
    const start = tf.memory().numTensors;
    const run = svi(scaleModel, guide, adam(0.05), { numParticles: 2 });
    const r = await run.run(key(0), 30, [y]);
    expect(r.losses.length).toBe(30);
    expect(Array.from(r.losses).every(Number.isFinite)).toBe(true);
    const draws = guide.sample(key(1), r.params, 50);
    expect(Array.from(await draws.sigma!.data()).every((v) => v > 0)).toBe(true);
    tf.dispose(Object.values(draws));
    run.disposeState(r.state);
    expect(tf.memory().numTensors).toBe(start);
    guide.dispose();
    y.dispose();
  });

  it('AutoLaplaceApproximation: the mode on log σ solves σ⁴ + (N − 1)σ² − S = 0', async () => {
    const y = tf.tensor1d([0.5, -0.5, 1, -1]);
    const guide = autoLaplaceApproximation(scaleModel);
    const r = await svi(scaleModel, guide, adam(0.1)).run(key(2), 150, [y]);
    const med = guide.median(r.params);
    const want = Math.sqrt((-3 + Math.sqrt(9 + 4 * 2.5)) / 2);
    expect(Math.abs((await med.sigma!.data())[0]! / want - 1)).toBeLessThan(2e-3);
    tf.dispose(Object.values(med));
    tree.dispose([r.params, r.state.optState]);
    guide.dispose();
    y.dispose();
  });
});
