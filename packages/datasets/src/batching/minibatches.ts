import { random, foldIn, tree, type PRNGKey } from '@probdl/tensor-backend';
import { gatherRows, leadingDim } from './rows.js';

/** Options of {@link minibatches} and {@link minibatchesAsync}. */
export interface MinibatchOptions {
  /** Rows per batch, a positive integer. */
  batchSize: number;
  /** Passes over the data. Default 1. */
  epochs?: number;
  /** Drop each epoch's last batch when it is smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** Shuffle each epoch (order `permutation(foldIn(key, epoch), n)`); false keeps row order. Default true. */
  shuffle?: boolean;
}

/** One batch: where it falls, and the rows (fresh tensors that the caller disposes, e.g. `tree.dispose(batch)`). */
export interface Minibatch<T> {
  /** Epoch index, from 0. */
  readonly epoch: number;
  /** Step index within the whole run (not reset per epoch), from 0. */
  readonly step: number;
  /** The rows of this batch: a tree shaped like the data, each leaf `[batch, ...]`. Caller owns it. */
  readonly batch: T;
}

interface Plan {
  epoch: number;
  step: number;
  idx: Int32Array;
}

function checkOptions(fn: string, options: MinibatchOptions): Required<MinibatchOptions> {
  const { batchSize, epochs = 1, dropLast = false, shuffle = true } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`${fn}: options.batchSize must be a positive integer, got ${String(batchSize)}`);
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`${fn}: options.epochs must be a non-negative integer, got ${String(epochs)}`);
  return { batchSize, epochs, dropLast, shuffle };
}

function* plan(k: PRNGKey, n: number, o: Required<MinibatchOptions>): Generator<Plan> {
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    let order: Int32Array;
    if (o.shuffle) order = random.permutationIndices(foldIn(k, epoch), n);
    else order = Int32Array.from({ length: n }, (_, i) => i);
    for (let start = 0; start < n; start += o.batchSize) {
      const end = Math.min(n, start + o.batchSize);
      if (o.dropLast && end - start < o.batchSize) break;
      yield { epoch, step: step++, idx: order.subarray(start, end) };
    }
  }
}

/**
 * Seeded minibatches of a tree of tensors with a common leading dimension `n`.
 *
 * Epoch `e` visits the rows in the order `permutation(foldIn(key, e), n)` (JAX's permutation, bit for
 * bit), so every row appears exactly once per epoch (the last batch is smaller unless `dropLast`).
 * Each `batch` is a fresh tree of tensors that **the caller disposes** (`tree.dispose(batch)`) once
 * the step is done; `data` is never disposed. The generator is lazy: a batch is gathered when asked for.
 */
export function minibatches<T extends object>(k: PRNGKey, data: T, options: MinibatchOptions): Generator<Minibatch<T>, void, undefined> {
  // Checked now, not at the first next().
  const o = checkOptions('minibatches', options);
  const n = leadingDim('minibatches', 'data', data);
  return (function* () {
    for (const p of plan(k, n, o)) yield { epoch: p.epoch, step: p.step, batch: gatherRows(data, p.idx) };
  })();
}

/** Options of {@link minibatchesAsync}. */
export interface AsyncMinibatchOptions extends MinibatchOptions {
  /** Batches gathered ahead: 1 gathers batch i+1 before yielding batch i, so it is ready while the caller runs step i. Default 1. */
  prefetch?: 0 | 1;
}

/**
 * {@link minibatches} as an async iterator with prefetching (`for await`). With `prefetch: 1` the
 * next batch is gathered (its device work queued) before the current one is yielded. Same order,
 * same ownership: each yielded `batch` belongs to the caller. If the loop stops early (`break`),
 * the prefetched batch is disposed here.
 */
export function minibatchesAsync<T extends object>(
  k: PRNGKey,
  data: T,
  options: AsyncMinibatchOptions,
): AsyncGenerator<Minibatch<T>, void, undefined> {
  // Checked now, not at the first next().
  const o = checkOptions('minibatchesAsync', options);
  const prefetch = options.prefetch ?? 1;
  if (prefetch !== 0 && prefetch !== 1) throw new RangeError(`minibatchesAsync: options.prefetch must be 0 or 1, got ${String(prefetch)}`);
  const n = leadingDim('minibatchesAsync', 'data', data);
  return prefetched(k, data, n, o, prefetch);
}

async function* prefetched<T extends object>(
  k: PRNGKey,
  data: T,
  n: number,
  o: Required<MinibatchOptions>,
  prefetch: 0 | 1,
): AsyncGenerator<Minibatch<T>, void, undefined> {
  const it = plan(k, n, o);
  const make = (p: Plan): Minibatch<T> => ({ epoch: p.epoch, step: p.step, batch: gatherRows(data, p.idx) });
  if (prefetch === 0) {
    for (const p of it) yield make(p);
    return;
  }
  const first = it.next();
  let current = first.done === true ? undefined : make(first.value);
  try {
    while (current !== undefined) {
      const following = it.next();
      const out = current;
      current = following.done === true ? undefined : make(following.value);
      yield out;
    }
  } finally {
    // Stopped early: the prefetched batch was never handed over.
    if (current !== undefined) tree.dispose(current.batch);
  }
}
