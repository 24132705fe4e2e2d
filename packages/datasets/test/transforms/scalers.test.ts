import * as tf from '@tensorflow/tfjs-core';
import { tree } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { logTransform, minMaxScaler, oneHot, standardScaler } from '../../src/transforms/index.js';

// Columns: a generic one, a constant one (sklearn gives scale 1), one with a large offset.
const X = [
  [1, 5, 1000],
  [2, 5, 1002],
  [4, 5, 1001],
  [9, 5, 1005],
];

/** Population mean and std of column j, in float64 (independent of the code). */
function colStats(j: number): { mean: number; std: number } {
  const c = X.map((r) => r[j]!);
  const mean = c.reduce((a, b) => a + b, 0) / c.length;
  const std = Math.sqrt(c.reduce((a, b) => a + (b - mean) ** 2, 0) / c.length);
  return { mean, std };
}

describe('standardScaler', () => {
  it('uses the population std, as sklearn, and scale 1 for a constant column', async () => {
    const s = standardScaler();
    const x = tf.tensor2d(X);
    const st = s.fit(x);
    const stats = [0, 1, 2].map(colStats);
    await expect(st.mean).toBeCloseTensor(stats.map((c) => c.mean), { rtol: 1e-6 });
    await expect(st.scale).toBeCloseTensor([stats[0]!.std, 1, stats[2]!.std], { rtol: 1e-5 });
    const z = s.transform(st, x);
    const expected = X.map((r) => r.map((v, j) => (j === 1 ? 0 : (v - stats[j]!.mean) / stats[j]!.std)));
    await expect(z).toBeCloseTensor(expected, { atol: 1e-4 });
    await expect(s.inverse(st, z)).toBeCloseTensor(X, { rtol: 1e-5 });
    // Applies to new data with the training statistics.
    await expect(s.transform(st, tf.tensor2d([[3, 7, 1000]]))).toBeCloseTensor(
      [[(3 - stats[0]!.mean) / stats[0]!.std, 2, (1000 - stats[2]!.mean) / stats[2]!.std]],
      { atol: 1e-4 },
    );
  });

  it('names the argument and shape of bad input', () => {
    const s = standardScaler();
    expect(() => s.fit(tf.tensor1d([1, 2]) as never)).toThrow(/standardScaler.fit: x .*shape \[2\]/);
    const st = s.fit(tf.tensor2d(X));
    expect(() => s.transform(st, tf.tensor2d([[1, 2]]))).toThrow(/standardScaler.transform: x has shape \[1, 2\].*3 features/);
    expect(() => s.fit(tf.zeros([0, 3]) as tf.Tensor2D)).toThrow(/no rows/);
  });

  it('leaves nothing behind', async () => {
    const s = standardScaler();
    const x = tf.tensor2d(X);
    await expectNoLeaks(() => s.fit(x));
    const st = s.fit(x);
    await expectNoLeaks(() => s.transform(st, x));
    await expectNoLeaks(() => s.inverse(st, x));
    tree.dispose(st);
  });
});

describe('minMaxScaler', () => {
  it('maps the training range onto [a, b], clips on request, and inverts', async () => {
    const s = minMaxScaler({ range: [-1, 1] });
    const x = tf.tensor2d(X);
    const st = s.fit(x);
    const mins = [1, 5, 1000];
    const maxs = [9, 5, 1005];
    const expected = X.map((r) => r.map((v, j) => (maxs[j] === mins[j] ? -1 : -1 + (2 * (v - mins[j]!)) / (maxs[j]! - mins[j]!))));
    await expect(s.transform(st, x)).toBeCloseTensor(expected, { atol: 1e-4 });
    await expect(s.inverse(st, s.transform(st, x))).toBeCloseTensor(X, { rtol: 1e-5 });
    const outside = tf.tensor2d([[17, 5, 995]]);
    await expect(s.transform(st, outside)).toBeCloseTensor([[3, -1, -3]], { atol: 1e-3 });
    const c = minMaxScaler({ range: [-1, 1], clip: true });
    await expect(c.transform(c.fit(x), outside)).toBeCloseTensor([[1, -1, -1]], { atol: 1e-5 });
  });

  it('rejects a bad range and leaves nothing behind', async () => {
    expect(() => minMaxScaler({ range: [1, 1] })).toThrow(/options.range/);
    const s = minMaxScaler();
    const x = tf.tensor2d(X);
    await expectNoLeaks(() => s.fit(x));
    const st = s.fit(x);
    await expectNoLeaks(() => s.transform(st, x));
    await expectNoLeaks(() => s.inverse(st, x));
    tree.dispose(st);
  });
});

describe('oneHot and logTransform', () => {
  it('oneHot encodes and names a bad label', async () => {
    await expect(oneHot([2, 0, 1], 3)).toBeCloseTensor([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(() => oneHot([0, 3], 3)).toThrow(/labels\[1\] = 3/);
    expect(() => oneHot([0.5], 3)).toThrow(/labels\[0\]/);
    await expectNoLeaks(() => oneHot([1], 2));
  });

  it('logTransform with a shift inverts', async () => {
    const t = logTransform({ shift: 1 });
    const x = tf.tensor1d([0, 1, 9]);
    await expect(t.transform(x)).toBeCloseTensor([0, Math.log(2), Math.log(10)], { rtol: 1e-6 });
    await expect(t.inverse(t.transform(x))).toBeCloseTensor([0, 1, 9], { atol: 1e-5 });
    await expectNoLeaks(() => t.transform(x));
    await expectNoLeaks(() => logTransform().inverse(x));
  });
});
