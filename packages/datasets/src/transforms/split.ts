import * as tf from '@tensorflow/tfjs-core';
import { random, tree, type PRNGKey } from '@probdl/tensor-backend';

/** Options of {@link trainTestSplit}: sizes as fractions in (0, 1) or row counts, as in sklearn. */
export interface TrainTestSplitOptions {
  /** Test share (fraction, rounded up) or count. Default 0.25 when neither size is given. */
  testSize?: number;
  /** Train share (fraction, rounded down) or count. Default: the complement of the test set. */
  trainSize?: number;
}

/** Row indices of a split. */
export interface SplitIndices {
  /** Training rows. */
  readonly train: Int32Array;
  /** Held-out rows. */
  readonly test: Int32Array;
}

function resolveSize(name: string, v: number | undefined, n: number, round: (x: number) => number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`trainTestSplit: options.${name} must be a fraction in (0, 1) or a count, got ${String(v)}`);
  if (v > 0 && v < 1) return round(v * n);
  if (!Number.isInteger(v) || v > n) throw new RangeError(`trainTestSplit: options.${name} = ${v} is neither a fraction in (0, 1) nor a count in [0, ${n}]`);
  return v;
}

/**
 * A seeded random split of `n` rows, like sklearn's `train_test_split` / `ShuffleSplit`: with
 * `p = permutation(key, n)`, test is `p[0:nTest]` and train `p[nTest:nTest + nTrain]`.
 * Deterministic from the key (JAX's permutation, bit for bit).
 */
export function trainTestSplit(k: PRNGKey, n: number, options: TrainTestSplitOptions = {}): SplitIndices {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`trainTestSplit: n must be a non-negative integer, got ${String(n)}`);
  let nTest = resolveSize('testSize', options.testSize, n, Math.ceil);
  let nTrain = resolveSize('trainSize', options.trainSize, n, Math.floor);
  if (nTest === undefined && nTrain === undefined) nTest = Math.ceil(0.25 * n);
  if (nTest === undefined) nTest = n - nTrain!;
  if (nTrain === undefined) nTrain = n - nTest;
  if (nTest + nTrain > n) throw new RangeError(`trainTestSplit: trainSize ${nTrain} + testSize ${nTest} exceed n = ${n}`);
  const p = random.permutationIndices(k, n);
  return { test: p.slice(0, nTest), train: p.slice(nTest, nTest + nTrain) };
}

/**
 * Seeded k-fold cross-validation, like sklearn's `KFold(k, shuffle=True)`: the rows of
 * `permutation(key, n)` are cut into `k` consecutive folds (the first `n mod k` one row larger); fold
 * `i` is the test set of split `i` and the rest, in ascending order, its training set.
 */
export function kFold(k: PRNGKey, n: number, folds: number): SplitIndices[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`kFold: n must be a non-negative integer, got ${String(n)}`);
  if (!Number.isInteger(folds) || folds < 2 || folds > n) throw new RangeError(`kFold: k must be an integer in [2, n = ${n}], got ${String(folds)}`);
  const p = random.permutationIndices(k, n);
  const out: SplitIndices[] = [];
  let start = 0;
  for (let f = 0; f < folds; f++) {
    const size = Math.floor(n / folds) + (f < n % folds ? 1 : 0);
    const test = p.slice(start, start + size);
    const inTest = new Uint8Array(n);
    for (const i of test) inTest[i] = 1;
    const train = new Int32Array(n - size);
    let j = 0;
    for (let i = 0; i < n; i++) if (inTest[i] === 0) train[j++] = i;
    out.push({ train, test });
    start += size;
  }
  return out;
}

/**
 * Rows `indices` of every leaf of `data` (a tensor or a tree of tensors with a common leading
 * dimension), as fresh tensors (`tf.gather` on axis 0). Indices are checked on the host.
 */
export function take<T extends tree.TreeLike>(data: T, indices: ArrayLike<number>): T {
  const idx = Int32Array.from(indices as ArrayLike<number>);
  return tree.mapWithPath((path, leaf) => {
    if (!(leaf instanceof tf.Tensor) || leaf.rank === 0) {
      throw new Error(`take: data leaf '${path.path || '<root>'}' must be a tensor with a leading row axis`);
    }
    const n = leaf.shape[0]!;
    for (let i = 0; i < idx.length; i++) {
      if (idx[i]! < 0 || idx[i]! >= n || idx[i] !== indices[i]) {
        throw new RangeError(`take: indices[${i}] = ${String(indices[i])} is out of range for leaf '${path.path || '<root>'}' of shape [${leaf.shape.join(', ')}]`);
      }
    }
    return tf.gather(leaf, tf.tensor1d(idx, 'int32'), 0);
  }, data) as T;
}
