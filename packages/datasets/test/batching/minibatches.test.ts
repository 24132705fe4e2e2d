import * as tf from '@tensorflow/tfjs-core';
import { foldIn, key, random, toFloat64Array, tree } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { minibatches, minibatchesAsync } from '../../src/batching/index.js';

const N = 10;
/** Row i of x is [i, -i], of y is 100 + i: a batch's rows can be read back to their indices. */
function data(): { x: tf.Tensor2D; y: tf.Tensor1D } {
  return {
    x: tf.tensor2d(Array.from({ length: N }, (_, i) => [i, -i])),
    y: tf.tensor1d(Array.from({ length: N }, (_, i) => 100 + i)),
  };
}

describe('minibatches', () => {
  it("visits each epoch in the order permutation(foldIn(key, epoch), n), every row once", async () => {
    const d = data();
    const k = key(7);
    const seen: number[][] = [[], []];
    const sizes: number[] = [];
    let steps = 0;
    for (const { epoch, step, batch } of minibatches(k, d, { batchSize: 4, epochs: 2 })) {
      expect(step).toBe(steps++);
      const x = Array.from(await toFloat64Array(batch.x));
      const y = Array.from(await toFloat64Array(batch.y));
      const rows = x.filter((_, j) => j % 2 === 0);
      expect(x.filter((_, j) => j % 2 === 1).map((v) => v + 0)).toEqual(rows.map((r) => 0 - r + 0));
      expect(y).toEqual(rows.map((r) => 100 + r));
      seen[epoch]!.push(...rows);
      sizes.push(batch.y.shape[0]);
      tree.dispose(batch);
    }
    expect(sizes).toEqual([4, 4, 2, 4, 4, 2]);
    for (let e = 0; e < 2; e++) {
      const p = random.permutation(foldIn(k, e), N);
      expect(seen[e]).toEqual(Array.from(await toFloat64Array(p)));
      p.dispose();
    }
    expect(seen[0]).not.toEqual(seen[1]);
    tree.dispose(d);
  });

  it('dropLast and shuffle: false', async () => {
    const d = data();
    const got: number[][] = [];
    for (const { batch } of minibatches(key(0), d, { batchSize: 4, dropLast: true, shuffle: false })) {
      got.push(Array.from(await toFloat64Array(batch.y)));
      tree.dispose(batch);
    }
    expect(got).toEqual([
      [100, 101, 102, 103],
      [104, 105, 106, 107],
    ]);
    tree.dispose(d);
  });

  it('names a bad leaf and a bad option', () => {
    const d = { x: tf.zeros([3, 2]), y: tf.zeros([4]) };
    expect(() => minibatches(key(0), d, { batchSize: 2 })).toThrow(/leaf 'y' has shape \[4\]/);
    expect(() => minibatches(key(0), { x: tf.zeros([3]) }, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => minibatchesAsync(key(0), d, { batchSize: 2 })).toThrow(/minibatchesAsync: data leaf 'y'/);
    expect(() => minibatchesAsync(key(0), { x: tf.zeros([3]) }, { batchSize: 1, prefetch: 2 as never })).toThrow(/prefetch/);
    tree.dispose(d);
  });

  it('leaks nothing over 50 epochs when the caller disposes each batch', () => {
    const d = data();
    const before = tf.memory().numTensors;
    let count = 0;
    for (const { batch } of minibatches(key(1), d, { batchSize: 3, epochs: 50 })) {
      count++;
      tree.dispose(batch);
    }
    expect(count).toBe(50 * 4);
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose(d);
  });
});

describe('minibatchesAsync', () => {
  it('gives the same batches as minibatches, prefetching the next one', async () => {
    const d = data();
    const opts = { batchSize: 3, epochs: 2 };
    const sync: number[][] = [];
    for (const { batch } of minibatches(key(5), d, opts)) {
      sync.push(Array.from(await toFloat64Array(batch.y)));
      tree.dispose(batch);
    }
    const asyncRows: number[][] = [];
    const base = tf.memory().numTensors;
    for await (const { batch } of minibatchesAsync(key(5), d, { ...opts, prefetch: 1 })) {
      // The current batch (2 leaves) plus the prefetched next one are alive.
      const alive = tf.memory().numTensors - base;
      expect(alive === 4 || asyncRows.length === sync.length - 1).toBe(true);
      asyncRows.push(Array.from(await toFloat64Array(batch.y)));
      tree.dispose(batch);
    }
    expect(asyncRows).toEqual(sync);
    tree.dispose(d);
  });

  it('leaks nothing over 50 epochs, nor when the loop breaks early', async () => {
    const d = data();
    const before = tf.memory().numTensors;
    for await (const { batch } of minibatchesAsync(key(2), d, { batchSize: 4, epochs: 50 })) tree.dispose(batch);
    for await (const { batch, step } of minibatchesAsync(key(2), d, { batchSize: 4, epochs: 3 })) {
      tree.dispose(batch);
      if (step === 1) break;
    }
    for await (const { batch } of minibatchesAsync(key(2), d, { batchSize: 4, prefetch: 0 })) tree.dispose(batch);
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose(d);
  });
});
