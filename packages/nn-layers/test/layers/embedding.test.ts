import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { embedding } from '../../src/layers/index.js';
import { expectGradientsMatchHost } from '../helpers/finite-difference.js';
import { hostNormal, weightedSumHost } from './host-reference.js';

describe('embedding', () => {
  it('inits { embedding: [num, features] } with Flax default_embed_init, N(0, 1/features)', async () => {
    const e = embedding(2000, 16);
    const p = e.init(key(0), [5]);
    expect(p.embedding.shape).toEqual([2000, 16]);
    expect(e.outputShape([2, 3])).toEqual([2, 3, 16]);
    // 32,000 normal draws: the sample variance has relative standard error √(2/n) = 0.0079; the
    // sample mean has standard error √(1/16/n) = 0.0014. Tolerances are 5 standard errors.
    const v = Array.from(await p.embedding.data());
    const n = v.length;
    const m = v.reduce((a, b) => a + b, 0) / n;
    const variance = v.reduce((a, b) => a + (b - m) ** 2, 0) / n;
    expect(Math.abs(m)).toBeLessThan(5 * Math.sqrt(1 / 16 / n));
    expect(Math.abs(variance * 16 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    // An untruncated normal: some draws beyond 2σ = 0.5 (P(|z| > 2) = 4.6%: about 1,460 of them).
    expect(v.filter((x) => Math.abs(x) > 0.5).length).toBeGreaterThan(1000);
    p.embedding.dispose();
  });

  it('looks up rows for int32 and float32 indices of any shape', async () => {
    const table = tf.tensor(Array.from({ length: 5 * 3 }, (_, i) => i * 0.5 - 1), [5, 3]);
    const e = embedding(5, 3);
    const idx = [[[0, 4], [2, 2]], [[1, 3], [4, 0]]];
    const rows = (await table.array()) as number[][];
    const want = idx.map((a) => a.map((b) => b.map((i) => rows[i]!)));
    const xi = tf.tensor(idx, [2, 2, 2], 'int32');
    const y = e.apply({ embedding: table }, xi);
    expect(y.shape).toEqual([2, 2, 2, 3]);
    await expect(y).toBeCloseTensor(want, { rtol: 0, atol: 0 });
    const xf = tf.tensor(idx, [2, 2, 2], 'float32');
    const yf = e.apply({ embedding: table }, xf);
    await expect(yf).toBeCloseTensor(want, { rtol: 0, atol: 0 });
    const xs = tf.scalar(3, 'int32');
    const ys = e.apply({ embedding: table }, xs);
    expect(ys.shape).toEqual([3]);
    await expect(ys).toBeCloseTensor(rows[3]!, { rtol: 0, atol: 0 });
    tf.dispose([table, xi, y, xf, yf, xs, ys]);
  });

  it('gives rows of NaN for out-of-range indices (no synchronous readback to throw on)', async () => {
    const table = tf.ones([4, 2]);
    const x = tf.tensor([0, 4, -1, 3], [4], 'int32');
    const y = embedding(4, 2).apply({ embedding: table }, x);
    const v = await y.data();
    expect(Array.from(v.slice(0, 2))).toEqual([1, 1]);
    expect(Array.from(v.slice(2, 6)).every(Number.isNaN)).toBe(true);
    expect(Array.from(v.slice(6))).toEqual([1, 1]);
    tf.dispose([table, x, y]);
  });

  it('has gradients in the table matching finite differences (repeated indices accumulate)', async () => {
    const idx = [0, 2, 2, 5, 1, 2];
    const wv = Float64Array.from(Float32Array.from(hostNormal(3, idx.length * 4)));
    const w = tf.tensor(Float32Array.from(wv), [2, 3, 4]);
    const x = tf.tensor(idx, [2, 3], 'int32');
    const e = embedding(6, 4);
    await expectGradientsMatchHost(
      (table) => tf.sum(tf.mul(tf.square(e.apply({ embedding: table! }, x)), w)) as tf.Scalar,
      ([table]) => weightedSumHost(Float64Array.from(idx.flatMap((i) => Array.from(table!.slice(i * 4, i * 4 + 4), (v) => v * v))), wv),
      [{ values: hostNormal(4, 24), shape: [6, 4] }],
    );
    tf.dispose([w, x]);
  });

  it('gives clear errors', () => {
    expect(() => embedding(0, 3)).toThrow(/embedding: numEmbeddings must be an integer >= 1, got 0/);
    expect(() => embedding(3, 1.5)).toThrow(/features must be an integer >= 1/);
    const e = embedding(4, 3);
    const x = tf.tensor([1], [1], 'int32');
    const bad = tf.ones([4, 2]);
    expect(() => e.apply({ embedding: bad }, x)).toThrow(/embedding\(4, 3\)\.apply: params\.embedding has shape \[4, 2\], expected \[4, 3\]/);
    const b = tf.tensor([true], [1], 'bool');
    expect(() => e.apply({ embedding: tf.ones([4, 3]) }, b)).toThrow(/integer indices .* got dtype bool/);
    tf.dispose([x, bad, b]);
  });

  it('does not leak', async () => {
    const e = embedding(4, 3);
    const p = e.init(key(1), []);
    const x = tf.tensor([[1, 3]], [1, 2], 'int32');
    const xf = tf.tensor([[1, 3]], [1, 2]);
    await expectNoLeaks(() => e.init(key(1), []));
    await expectNoLeaks(() => e.apply(p, x));
    await expectNoLeaks(() => e.apply(p, xf));
    tf.dispose([p.embedding, x, xf]);
  });
});
