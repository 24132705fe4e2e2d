import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { kFold, take, trainTestSplit } from '../../src/transforms/index.js';

const sorted = (a: ArrayLike<number>): number[] => Array.from(a).sort((p, q) => p - q);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('trainTestSplit', () => {
  it('partitions the rows, with sklearn sizes, deterministically per key', () => {
    const s = trainTestSplit(key(0), 10, { testSize: 0.25 });
    expect(s.test.length).toBe(3); // ceil(2.5)
    expect(s.train.length).toBe(7);
    expect(sorted([...s.train, ...s.test])).toEqual(range(10));
    expect(trainTestSplit(key(0), 10, { testSize: 0.25 })).toEqual(s);
    expect(trainTestSplit(key(1), 10, { testSize: 0.25 })).not.toEqual(s);
    const t = trainTestSplit(key(0), 10, { trainSize: 0.55 });
    expect(t.train.length).toBe(5); // floor(5.5)
    expect(t.test.length).toBe(5);
    const both = trainTestSplit(key(0), 10, { trainSize: 4, testSize: 2 });
    expect([both.train.length, both.test.length]).toEqual([4, 2]);
    expect(new Set([...both.train, ...both.test]).size).toBe(6);
    expect(trainTestSplit(key(0), 8).test.length).toBe(2);
  });

  it('names a bad size', () => {
    expect(() => trainTestSplit(key(0), 10, { testSize: 11 })).toThrow(/testSize = 11/);
    expect(() => trainTestSplit(key(0), 10, { testSize: 6, trainSize: 6 })).toThrow(/exceed n = 10/);
    expect(() => trainTestSplit(key(0), -1)).toThrow(/n must be/);
  });
});

describe('kFold', () => {
  it('has disjoint test folds covering every row once, sklearn fold sizes', () => {
    const folds = kFold(key(4), 11, 3);
    expect(folds.map((f) => f.test.length)).toEqual([4, 4, 3]);
    expect(sorted(folds.flatMap((f) => Array.from(f.test)))).toEqual(range(11));
    for (const f of folds) expect(sorted([...f.train, ...f.test])).toEqual(range(11));
    expect(kFold(key(4), 11, 3)).toEqual(folds);
    expect(() => kFold(key(4), 3, 4)).toThrow(/k must be/);
  });
});

describe('take', () => {
  it('gathers rows of every leaf, checks indices, leaves nothing behind', async () => {
    const data = { x: tf.tensor2d([[0, 0], [1, 1], [2, 2]]), y: tf.tensor1d([10, 11, 12]) };
    const out = take(data, [2, 0]);
    await expect(out).toBeCloseTree({ x: [[2, 2], [0, 0]], y: [12, 10] });
    expect(() => take(data, [3])).toThrow(/indices\[0\] = 3 is out of range for leaf 'x'/);
    await expectNoLeaks(() => take(data, Int32Array.from([1])));
  });
});
