import * as tf from '@tensorflow/tfjs-core';
import { tree } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import type { GradientTransformation } from '../../src/types.js';
import { clip, clipByBlockRms, clipByGlobalNorm, zeroNans } from '../../src/clipping/index.js';

// Host (float64) versions of the Optax rules in optax/_src/clipping.py; float32 results agree to
// a few ulps, so rtol 1e-6 with atol 1e-7 is ample and still fails on any wrong rule.
const TOL = { rtol: 1e-6, atol: 1e-7 };
const a = [0.5, -3, 2.25, -0.1];
const b = [[4, -1], [0.3, 7]];
const grads = () => ({ a: tf.tensor1d(a), nested: [tf.tensor2d(b)] });
const norm = Math.sqrt([...a, ...b.flat()].reduce((s, x) => s + x * x, 0));

describe('clip', () => {
  it('clips each element to [-maxDelta, maxDelta]', async () => {
    const g = grads();
    const tx = clip(1);
    const [u, s] = tx.update(g, tx.init(g));
    const c = (x: number): number => Math.max(-1, Math.min(1, x));
    await expect(u).toBeCloseTree({ a: a.map(c), nested: [b.map((r) => r.map(c))] }, TOL);
    expect(s).toEqual({});
    expect(() => clip(-1)).toThrow(/maxDelta.*-1/);
  });
});

describe('clipByGlobalNorm', () => {
  it('rescales to maxNorm when the global norm exceeds it, and passes smaller updates unchanged', async () => {
    const g = grads();
    const tx = clipByGlobalNorm(2);
    const [u] = tx.update(g, tx.init(g));
    const f = (x: number): number => (x / norm) * 2;
    await expect(u).toBeCloseTree({ a: a.map(f), nested: [b.map((r) => r.map(f))] }, TOL);
    const [v] = clipByGlobalNorm(norm * 1.01).update(g, {});
    await expect(v).toBeCloseTree({ a, nested: [b] }, TOL);
    tree.dispose([u, v]);
    expect(() => clipByGlobalNorm(0)).toThrow(/maxNorm/);
  });
});

describe('clipByBlockRms', () => {
  it('divides each leaf by max(1, rms / threshold)', async () => {
    const g = grads();
    const rms = (xs: number[]): number => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);
    const th = 1.5;
    const da = Math.max(1, rms(a) / th);
    const db = Math.max(1, rms(b.flat()) / th);
    const [u] = clipByBlockRms(th).update(g, {});
    await expect(u).toBeCloseTree({ a: a.map((x) => x / da), nested: [b.map((r) => r.map((x) => x / db))] }, TOL);
    expect(db).toBeGreaterThan(1); // the test exercises the clipping branch
    const [v] = clipByBlockRms(100).update(g, {});
    await expect(v).toBeCloseTree({ a, nested: [b] }, TOL);
    expect(() => clipByBlockRms(-2)).toThrow(/threshold/);
  });
});

describe('zeroNans', () => {
  it('zeros NaNs and records per leaf whether any was found', async () => {
    const tx = zeroNans();
    const g = { x: tf.tensor1d([1, NaN, 3]), y: tf.tensor1d([Infinity, 2]) };
    const s0 = tx.init(g);
    await expect(s0.foundNan).toBeCloseTree({ x: 0, y: 0 });
    const [u, s] = tx.update(g, s0);
    await expect(u).toBeCloseTree({ x: [1, 0, 3], y: [Infinity, 2] });
    const found = s.foundNan as { x: tf.Tensor; y: tf.Tensor };
    expect(found.x.dtype).toBe('bool');
    expect(Array.from(await found.x.data())).toEqual([1]);
    expect(Array.from(await found.y.data())).toEqual([0]);
  });
});

describe('clipping leaks', () => {
  it('leaves nothing behind', async () => {
    const g = grads();
    const txs: GradientTransformation[] = [clip(1), clipByGlobalNorm(1), clipByGlobalNorm(100), clipByBlockRms(1), zeroNans() as GradientTransformation];
    for (const tx of txs) {
      await expectNoLeaks(() => tx.init(g));
      const s = tx.init(g);
      await expectNoLeaks(() => tx.update(g, s));
      tree.dispose(s);
    }
    tree.dispose(g);
  });
});
