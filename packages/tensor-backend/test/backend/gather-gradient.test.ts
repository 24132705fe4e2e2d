import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// tfjs-core differentiates gather through UnsortedSegmentSum, which tfjs-backend-wasm 4.22 does not
// ship; initBackend registers a JS kernel for it on wasm. These run on every backend.
describe('gather gradient (UnsortedSegmentSum)', () => {
  it('unsortedSegmentSum sums rows by segment', async () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const ids = tf.tensor1d([2, 0, 2, 0], 'int32');
    const before = tf.memory().numTensors;
    const out = tf.unsortedSegmentSum(x, ids, 3);
    expect(out.shape).toEqual([3, 2]);
    // row 0 ← x[1] + x[3]; row 1 ← nothing; row 2 ← x[0] + x[2]
    expect(Array.from(await out.data())).toEqual([10, 12, 0, 0, 6, 8]);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ids]);
  });

  it('the gradient of a gather with repeated indices adds the repeats (3-D input, last axis)', async () => {
    const values = Array.from({ length: 24 }, (_, i) => (i - 11) / 7);
    const x = tf.tensor3d(values, [2, 3, 4]);
    const idx = tf.tensor1d([3, 0, 3, 3, 1], 'int32');
    const w = tf.tensor1d([1, -2, 0.5, 4, 3]);
    const before = tf.memory().numTensors;
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx, 2), w)))(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    // d/dx[..., k] = Σ over gathered positions p with idx[p] = k of w[p], the same in every row
    const perColumn = [-2, 3, 0, 1 + 0.5 + 4];
    expect(Array.from(await g.data())).toEqual(Array.from({ length: 24 }, (_, i) => perColumn[i % 4]));
    tf.dispose([g, x, idx, w]);
  });
});
