import * as tf from '@tensorflow/tfjs-core';
import { foldIn, key, random, split } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { nuts, nutsTransition } from '../../src/kernels/nuts/nuts.js';
import { stateAt } from '../../src/internal/value-and-grad.js';
import type { HmcState } from '../../src/types.js';
import { disposeState, runChain } from './helpers.js';

// A non-Gaussian 5-D density with different scales: -½ Σ x²/s² - 0.05 Σ x⁴.
const scales = [0.5, 1, 2, 1, 0.8];
function quartic(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const s = tf.tensor1d(scales);
    return tf.sub(tf.mul(-0.5, tf.sum(tf.square(tf.div(x, s)), -1)), tf.mul(0.05, tf.sum(tf.pow(x, 4), -1)));
  });
}
const standardNormal = (x: tf.Tensor) => tf.tidy(() => tf.mul(-0.5, tf.sum(tf.square(x), -1)));

describe('nuts in lockstep', () => {
  it('gives every chain the trajectory it has alone with the same per-chain key (foldIn(key, c))', async () => {
    const C = 6;
    const D = 5;
    const params = { stepSize: Float64Array.from([0.3, 0.5, 0.7, 0.4, 0.6, 0.9]), inverseMassMatrix: tf.tensor1d([0.3, 1, 3, 1, 0.7]) };
    const opts = { maxTreeDepth: 6 };
    const kernel = nuts(opts);
    let batch: HmcState = kernel.init(random.normal(key(21), [C, D]), quartic);
    const alone: HmcState[] = [];
    for (let c = 0; c < C; c++) alone.push(stateAt(quartic, tf.slice(batch.position, [c, 0], [1, D])));
    let k = key(22);
    for (let t = 0; t < 4; t++) {
      const [a, b] = split(k);
      k = a!;
      const [next, info] = await kernel.step(b!, batch, quartic, params);
      disposeState(batch);
      batch = next;
      for (let c = 0; c < C; c++) {
        const p = { stepSize: Float64Array.of(params.stepSize[c]!), inverseMassMatrix: params.inverseMassMatrix };
        const [n1, i1] = await nutsTransition([foldIn(b!, c)], alone[c]!, quartic, p, opts);
        disposeState(alone[c]!);
        alone[c] = n1;
        expect(i1.numIntegrationSteps[0]).toBe(info.numIntegrationSteps[c]);
        expect(i1.treeDepth![0]).toBe(info.treeDepth![c]);
        expect(i1.acceptanceRate[0]).toBeCloseTo(info.acceptanceRate[c]!, 5);
      }
      // float32 tolerance: identical arithmetic per row, so equal up to rounding.
      await expect(tf.concat(alone.map((s) => s.position))).toBeCloseTensor(batch.position, { atol: 1e-5, rtol: 1e-5 });
    }
    disposeState(batch);
    for (const s of alone) disposeState(s);
    params.inverseMassMatrix.dispose();
  });
});

describe('nuts with per-chain metrics', () => {
  it('gives the same draws with a per-chain metric [C, D] / [C, D, D] holding the shared one in every row', async () => {
    const C = 4;
    const D = 5;
    const kernel = nuts({ maxTreeDepth: 5 });
    const diag = tf.tensor1d([0.3, 1, 3, 1, 0.7]);
    const dense = tf.tidy(() => tf.add(tf.diag(diag), 0.05));
    const pairs: [tf.Tensor, tf.Tensor][] = [
      [diag, tf.tidy(() => tf.broadcastTo(diag, [C, D]))],
      [dense, tf.tidy(() => tf.broadcastTo(dense, [C, D, D]))],
    ];
    const start = kernel.init(random.normal(key(25), [C, D]), quartic);
    for (const [shared, perChain] of pairs) {
      const [a, ia] = await kernel.step(key(26), start, quartic, { stepSize: 0.4, inverseMassMatrix: shared });
      const [b, ib] = await kernel.step(key(26), start, quartic, { stepSize: 0.4, inverseMassMatrix: perChain });
      expect(Array.from(ib.numIntegrationSteps)).toEqual(Array.from(ia.numIntegrationSteps));
      await expect(b.position).toBeCloseTensor(a.position, { atol: 1e-4, rtol: 1e-4 });
      disposeState(a);
      disposeState(b);
      perChain.dispose();
    }
    disposeState(start);
    tf.dispose([diag, dense]);
  });
});

describe('nuts limits', () => {
  it('caps a trajectory at 2^maxTreeDepth - 1 steps', async () => {
    const kernel = nuts({ maxTreeDepth: 3 });
    const start = kernel.init(random.normal(key(31), [16, 4]), standardNormal);
    const inverseMassMatrix = tf.ones([4]);
    // A tiny step never turns within 7 steps.
    const { state, infos } = await runChain(kernel, key(32), start, standardNormal, { stepSize: 0.01, inverseMassMatrix }, 2);
    for (const info of infos) {
      expect(Array.from(info.numIntegrationSteps)).toEqual(new Array(16).fill(7));
      expect(Array.from(info.treeDepth!)).toEqual(new Array(16).fill(3));
      for (const a of info.acceptanceRate) expect(a).toBeGreaterThan(0.99);
    }
    disposeState(state);
    disposeState(start);
    inverseMassMatrix.dispose();
  });

  it('flags divergences on a funnel with a big step and none with a small one', async () => {
    // Neal's funnel in 2-D: v ~ N(0, 3), x | v ~ N(0, e^{v/2}).
    const funnel = (p: tf.Tensor) =>
      tf.tidy(() => {
        const [v, x] = tf.split(p, 2, 1) as [tf.Tensor, tf.Tensor];
        return tf.squeeze(tf.add(tf.mul(-0.5, tf.square(tf.div(v, 3))), tf.sub(tf.mul(-0.5, tf.mul(tf.square(x), tf.exp(tf.neg(v)))), tf.mul(0.5, v))), [1]);
      });
    const C = 64;
    // Start in the neck (v = -6) where the scale of x is e^-3.
    const start0 = tf.tidy(() => tf.concat([tf.fill([C, 1], -6), tf.mul(0.05, random.normal(key(41), [C, 1]))], 1));
    const kernel = nuts({ maxTreeDepth: 6 });
    const start = kernel.init(start0, funnel);
    const inverseMassMatrix = tf.ones([2]);
    const [big, infoBig] = await kernel.step(key(42), start, funnel, { stepSize: 1.5, inverseMassMatrix });
    const divergent = infoBig.isDivergent.reduce((a, b) => a + b, 0);
    expect(divergent).toBeGreaterThan(C / 2);
    // A divergence ends the tree: no divergent chain reaches the maximum depth.
    for (let c = 0; c < C; c++) if (infoBig.isDivergent[c]) expect(infoBig.numIntegrationSteps[c]).toBeLessThan(63);
    const [small, infoSmall] = await kernel.step(key(43), start, funnel, { stepSize: 0.005, inverseMassMatrix });
    expect(infoSmall.isDivergent.every((v) => v === 0)).toBe(true);
    for (const s of [big, small, start]) disposeState(s);
    start0.dispose();
    inverseMassMatrix.dispose();
  });

  it('rejects bad options and parameters with the names in the message', async () => {
    expect(() => nuts({ maxTreeDepth: 0 })).toThrow(/maxTreeDepth/);
    expect(() => nuts({ divergenceThreshold: -1 })).toThrow(/divergenceThreshold/);
    const kernel = nuts();
    const s = kernel.init(tf.zeros([2, 3]), standardNormal);
    const inverseMassMatrix = tf.ones([4]);
    await expect(kernel.step(key(1), s, standardNormal, { stepSize: 0.1, inverseMassMatrix })).rejects.toThrow(/inverseMassMatrix/);
    const ok = tf.ones([3]);
    await expect(kernel.step(key(1), s, standardNormal, { stepSize: Float64Array.of(0.1), inverseMassMatrix: ok })).rejects.toThrow(/stepSize/);
    disposeState(s);
    tf.dispose([inverseMassMatrix, ok]);
  });
});

describe('nuts memory', () => {
  it('leaks no tensors over many transitions (diagonal, dense, per-chain metrics)', async () => {
    const C = 8;
    const D = 5;
    const metrics = [tf.ones([D]), tf.tidy(() => tf.add(tf.eye(D), 0.1)), tf.ones([C, D]), tf.tidy(() => tf.broadcastTo(tf.eye(D), [C, D, D]))];
    const kernel = nuts({ maxTreeDepth: 5 });
    for (const inverseMassMatrix of metrics) {
      let s = kernel.init(random.normal(key(51), [C, D]), quartic);
      // Warm up, then count.
      let k = key(52);
      const before = { n: 0 };
      for (let t = 0; t < 12; t++) {
        if (t === 2) before.n = tf.memory().numTensors;
        const [a, b] = split(k);
        k = a!;
        const [next] = await kernel.step(b!, s, quartic, { stepSize: 0.4, inverseMassMatrix });
        disposeState(s);
        s = next;
      }
      expect(tf.memory().numTensors).toBe(before.n);
      disposeState(s);
    }
    tf.dispose(metrics);
    await expectNoLeaks(async () => {
      const m = tf.ones([D]);
      const x = tf.zeros([C, D]);
      const s = kernel.init(x, standardNormal);
      const [n] = await kernel.step(key(3), s, standardNormal, { stepSize: 0.5, inverseMassMatrix: m });
      disposeState(s);
      tf.dispose([m, x]);
      return n;
    });
  });
});
