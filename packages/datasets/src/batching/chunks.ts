import * as tf from '@tensorflow/tfjs-core';
import { random, foldIn, tree, type PRNGKey } from '@probdl/tensor-backend';
import { gatherRows, leadingDim } from './rows.js';

/** Options of {@link minibatchesFromChunks}. */
export interface ChunkBatchOptions {
  /** Rows per batch, a positive integer. */
  batchSize: number;
  /** Shuffle within a buffer drawn from this key; without a key the rows keep stream order. */
  key?: PRNGKey;
  /** Rows held in the shuffle buffer (tf.data's `buffer_size`); at least `batchSize`. Default `10 * batchSize`. */
  bufferSize?: number;
  /** Drop the final batch when it is smaller than `batchSize`. Default false. */
  dropLast?: boolean;
}

/** One rebatched batch: its index and fresh tensors that the caller disposes. */
export interface ChunkBatch<T> {
  /** Batch index, from 0. */
  readonly step: number;
  /** Rows of the batch; each leaf `[batchSize, ...]` (the last may be smaller). Caller owns it. */
  readonly batch: T;
}

function concatRows<T>(a: T | undefined, b: T): T {
  if (a === undefined) return tree.map((leaf) => tf.clone(leaf as tf.Tensor), b as tree.TreeLike) as T;
  return tree.map((x, y) => tf.concat([x as tf.Tensor, y as tf.Tensor], 0), a as tree.TreeLike, b as tree.TreeLike) as T;
}

function trailingShapes(data: unknown): string[] {
  return tree.leaves(data as tree.TreeLike).map((l) => (l as tf.Tensor).shape.slice(1).join(','));
}

/**
 * Rebatches a stream of row chunks (each a tree of tensors with a common leading dimension, e.g.
 * from a CSV reader over a file larger than memory) into batches of exactly `batchSize` rows.
 *
 * With `key`, shuffling is **approximate**, like tf.data's shuffle buffer: rows wait in a buffer of
 * `bufferSize`; each batch is a uniformly random subset of the buffer (draw `d` uses
 * `permutation(foldIn(key, d), rows)`), so a row can only move about `bufferSize` places from its
 * stream position. A buffer as large as the data set gives a full shuffle. Only about
 * `bufferSize + chunk size` rows are held at once. Chunks are never disposed; every yielded
 * `batch` belongs to the caller. Chunks must share structure and trailing shapes (the error names
 * the chunk).
 */
export function minibatchesFromChunks<T extends object>(
  chunks: AsyncIterable<T> | Iterable<T>,
  options: ChunkBatchOptions,
): AsyncGenerator<ChunkBatch<T>, void, undefined> {
  // Options are checked now, chunks as they arrive.
  const { batchSize, dropLast = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`minibatchesFromChunks: options.batchSize must be a positive integer, got ${String(batchSize)}`);
  const bufferSize = options.bufferSize ?? 10 * batchSize;
  if (!Number.isInteger(bufferSize) || bufferSize < batchSize) {
    throw new RangeError(`minibatchesFromChunks: options.bufferSize must be an integer >= batchSize (${batchSize}), got ${String(bufferSize)}`);
  }
  return rebatch(chunks, batchSize, bufferSize, options.key, dropLast);
}

async function* rebatch<T extends object>(
  chunks: AsyncIterable<T> | Iterable<T>,
  batchSize: number,
  bufferSize: number,
  k: PRNGKey | undefined,
  dropLast: boolean,
): AsyncGenerator<ChunkBatch<T>, void, undefined> {
  const threshold = k === undefined ? batchSize : bufferSize;
  let buffer: T | undefined;
  let rows = 0;
  let draws = 0;
  let step = 0;
  let shapes: string[] | undefined;

  const take = (size: number): T => {
    const order = k === undefined ? Int32Array.from({ length: rows }, (_, i) => i) : random.permutationIndices(foldIn(k, draws++), rows);
    const old = buffer!;
    const batch = gatherRows(old, order.subarray(0, size));
    buffer = rows > size ? gatherRows(old, order.subarray(size)) : undefined;
    rows -= size;
    tree.dispose(old);
    return batch;
  };

  try {
    let c = 0;
    for await (const chunk of chunks) {
      const m = leadingDim('minibatchesFromChunks', `chunk ${c}`, chunk);
      const s = trailingShapes(chunk);
      if (shapes === undefined) shapes = s;
      else if (s.length !== shapes.length || s.some((x, i) => x !== shapes![i])) {
        throw new Error(`minibatchesFromChunks: chunk ${c} has leaves of trailing shapes [${s.join(' | ')}], chunk 0 had [${shapes.join(' | ')}]`);
      }
      c++;
      if (m === 0) continue;
      const old = buffer;
      buffer = concatRows(old, chunk);
      if (old !== undefined) tree.dispose(old);
      rows += m;
      while (rows >= threshold) yield { step: step++, batch: take(batchSize) };
    }
    while (rows > 0) {
      const size = Math.min(batchSize, rows);
      if (size < batchSize && dropLast) break;
      yield { step: step++, batch: take(size) };
    }
  } finally {
    if (buffer !== undefined) tree.dispose(buffer);
    buffer = undefined;
  }
}
