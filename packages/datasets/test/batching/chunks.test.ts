import * as tf from '@tensorflow/tfjs-core';
import { key, toFloat64Array, tree } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { minibatchesFromChunks } from '../../src/batching/index.js';

/** An async stream of chunks of the given sizes; row i is x = [i, 2i], y = i. */
async function* stream(sizes: number[], made: tf.Tensor[]): AsyncGenerator<{ x: tf.Tensor2D; y: tf.Tensor1D }> {
  let start = 0;
  for (const m of sizes) {
    const rows = Array.from({ length: m }, (_, i) => start + i);
    const chunk = { x: tf.tensor2d(rows.map((r) => [r, 2 * r]), [m, 2]), y: tf.tensor1d(rows) };
    made.push(chunk.x, chunk.y);
    start += m;
    await Promise.resolve();
    yield chunk;
  }
}

async function collect(sizes: number[], opts: Parameters<typeof minibatchesFromChunks>[1]): Promise<number[][]> {
  const made: tf.Tensor[] = [];
  const out: number[][] = [];
  for await (const { batch, step } of minibatchesFromChunks(stream(sizes, made), opts)) {
    expect(step).toBe(out.length);
    const y = Array.from(await toFloat64Array(batch.y));
    const x = Array.from(await toFloat64Array(batch.x));
    expect(x).toEqual(y.flatMap((r) => [r, 2 * r]));
    out.push(y);
    tree.dispose(batch);
  }
  tf.dispose(made);
  return out;
}

describe('minibatchesFromChunks', () => {
  it('rebatches uneven chunks into fixed-size batches in stream order without a key', async () => {
    const out = await collect([3, 5, 1, 4], { batchSize: 4 });
    expect(out).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
      [12],
    ]);
    expect(await collect([3, 5, 1, 4], { batchSize: 4, dropLast: true })).toHaveLength(3);
  });

  it('with a key: every row once, shuffled within the buffer, deterministic per key', async () => {
    const sizes = [7, 13, 5, 20, 15];
    const opts = { batchSize: 6, key: key(3), bufferSize: 12 };
    const out = await collect(sizes, opts);
    const flat = out.flat();
    expect(out.slice(0, -1).every((b) => b.length === 6)).toBe(true);
    expect([...flat].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(flat).not.toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(await collect(sizes, opts)).toEqual(out);
    expect(await collect(sizes, { ...opts, key: key(4) })).not.toEqual(out);
    // Approximate shuffle: the first batch comes from the first bufferSize + chunk rows only.
    expect(Math.max(...out[0]!)).toBeLessThan(12 + 13);
  });

  it('leaves no tensors behind, also when the consumer stops early', async () => {
    const before = tf.memory().numTensors;
    await collect([10, 10, 10], { batchSize: 4, key: key(0), bufferSize: 8 });
    const made: tf.Tensor[] = [];
    for await (const { batch } of minibatchesFromChunks(stream([10, 10], made), { batchSize: 3, key: key(1) })) {
      tree.dispose(batch);
      break;
    }
    tf.dispose(made);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names a chunk whose shape does not fit', async () => {
    async function* bad(): AsyncGenerator<{ x: tf.Tensor }> {
      yield { x: tf.zeros([2, 3]) };
      yield { x: tf.zeros([2, 4]) };
    }
    await expect(async () => {
      for await (const { batch } of minibatchesFromChunks(bad(), { batchSize: 1 })) tree.dispose(batch);
    }).rejects.toThrow(/chunk 1 has leaves of trailing shapes \[4\]/);
    expect(() => minibatchesFromChunks([], { batchSize: 2, bufferSize: 1 })).toThrow(/bufferSize/);
  });
});
