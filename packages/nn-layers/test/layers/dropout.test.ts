import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { dropout } from '../../src/layers/index.js';

describe('dropout', () => {
  it('is an identity copy in evaluation mode (no key needed) and for rate 0', async () => {
    const x = tf.tensor([[1, -2, 3], [4, 5, -6]]);
    const d = dropout(0.5);
    const y = d.apply({}, x);
    expect(y).not.toBe(x);
    await expect(y).toBeCloseTensor(await x.array(), { rtol: 0, atol: 0 });
    const y0 = dropout(0).apply({}, x, { training: true });
    await expect(y0).toBeCloseTensor(await x.array(), { rtol: 0, atol: 0 });
    expect(d.init(key(0), [3])).toEqual({});
    expect(d.outputShape([7, 3])).toEqual([7, 3]);
    tf.dispose([x, y, y0]);
  });

  it('keeps a fraction 1 − rate of units, scales them by 1/(1 − rate) and preserves the mean', async () => {
    // n = 100,000 Bernoulli(0.7) keeps: the kept fraction has standard error √(0.7·0.3/n) = 0.00145;
    // the output mean (kept fraction / 0.7) has standard error 0.00207. Tolerances are 5 standard errors.
    const rate = 0.3;
    const x = tf.ones([4, 25, 1000]);
    const y = dropout(rate).apply({}, x, { training: true, key: key(1) });
    expect(y.shape).toEqual([4, 25, 1000]);
    const v = await y.data();
    let kept = 0;
    let sum = 0;
    let badScale = 0;
    for (const e of v) {
      if (e !== 0) {
        kept++;
        if (Math.abs(e - 1 / 0.7) > 1e-6) badScale++;
      }
      sum += e;
    }
    expect(badScale).toBe(0);
    const n = v.length;
    expect(Math.abs(kept / n - 0.7)).toBeLessThan(5 * Math.sqrt((0.7 * 0.3) / n));
    expect(Math.abs(sum / n - 1)).toBeLessThan((5 * Math.sqrt((0.7 * 0.3) / n)) / 0.7);
    tf.dispose([x, y]);
  });

  it('MC dropout stays on at prediction time, is deterministic per key and differs across keys', async () => {
    const x = tf.ones([2, 3, 200]);
    const d = dropout(0.5);
    const a = d.apply({}, x, { mcDropout: true, key: key(7) });
    const b = d.apply({}, x, { mcDropout: true, key: key(7) });
    const c = d.apply({}, x, { mcDropout: true, key: key(8) });
    const va = await a.data();
    const vc = await c.data();
    await expect(b).toBeCloseTensor(await a.array(), { rtol: 0, atol: 0 });
    // 1200 independent fair coins: P(some unit dropped) = 1 − 2^−1200 per draw; P(identical masks) = 2^−1200.
    expect(va.some((e) => e === 0)).toBe(true);
    expect(va.some((e, i) => e !== vc[i])).toBe(true);
    tf.dispose([x, a, b, c]);
  });

  it('requires a key when active, naming it', () => {
    const x = tf.ones([2, 3]);
    const d = dropout(0.1);
    expect(() => d.apply({}, x, { training: true })).toThrow(/key/);
    expect(() => d.apply({}, x, { mcDropout: true })).toThrow(/mcDropout.*key|key/);
    expect(() => d.apply({}, x, { training: true })).toThrow(/dropout\(0\.1\)\.apply/);
    x.dispose();
  });

  it('checks the rate and broadcastDims', () => {
    expect(() => dropout(1)).toThrow(/rate must be a number in \[0, 1\), got 1/);
    expect(() => dropout(-0.1)).toThrow(RangeError);
    expect(() => dropout(Number.NaN)).toThrow(/rate/);
    expect(() => dropout(0.2, { broadcastDims: [0.5] })).toThrow(/broadcastDims/);
    const x = tf.ones([2, 3]);
    expect(() => dropout(0.2, { broadcastDims: [2] }).apply({}, x, { training: true, key: key(0) })).toThrow(/broadcastDims entry 2 is out of range for x of shape \[2, 3\]/);
    x.dispose();
  });

  it('shares one mask along broadcastDims', async () => {
    // Mask of shape [4, 1, 16] broadcast over the 30 time steps (axis -2).
    const x = tf.ones([4, 30, 16]);
    const y = dropout(0.5, { broadcastDims: [-2] }).apply({}, x, { training: true, key: key(3) });
    const arr = (await y.array()) as number[][][];
    for (const b of arr) for (const row of b) expect(row).toEqual(b[0]);
    const flat = arr.flatMap((b) => b[0]!);
    expect(flat.some((e) => e === 0)).toBe(true);
    expect(flat.some((e) => e === 2)).toBe(true);
    tf.dispose([x, y]);
  });

  it('passes gradients only through kept units, scaled by 1/(1 − rate)', async () => {
    const x = tf.tensor(Array.from({ length: 50 }, (_, i) => i / 10 - 2), [5, 10]);
    const d = dropout(0.25);
    const k = key(11);
    const y = d.apply({}, x, { training: true, key: k });
    const g = tf.grad((t: tf.Tensor) => tf.sum(d.apply({}, t, { training: true, key: k })))(x);
    const vy = await y.data();
    const vx = await x.data();
    const vg = await g.data();
    vy.forEach((e, i) => {
      const kept = e !== 0 || vx[i] === 0;
      expect(vg[i]).toBeCloseTo(kept ? 1 / 0.75 : 0, 5);
    });
    tf.dispose([x, y, g]);
  });

  it('does not leak', async () => {
    const x = tf.ones([3, 4]);
    const d = dropout(0.3, { broadcastDims: [0] });
    await expectNoLeaks(() => d.apply({}, x, { training: true, key: key(0) }));
    await expectNoLeaks(() => d.apply({}, x));
    await expectNoLeaks(() => d.init(key(0), [4]));
    x.dispose();
  });
});
