import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { dispose, ravel, ravelBatched } from '../../src/tree/index.js';

function tree() {
  return {
    w: tf.tensor2d([[1, 2, 3], [4, 5, 6]]),
    b: [tf.tensor1d([7, 8]), null, tf.tensor([9], [1, 1])],
    count: 10,
    mask: tf.tensor1d([true, false, true], 'bool'),
    idx: tf.tensor1d([-3, 11], 'int32'),
    empty: tf.zeros([2, 0]),
  };
}

describe('ravel', () => {
  it('concatenates the leaves as float32 in tree order (sorted keys, arrays in order)', async () => {
    const t = tree();
    const { flat } = ravel(t);
    expect(flat.dtype).toBe('float32');
    // b[0], b[2], count, empty, idx, mask, w
    await expect(flat).toBeCloseTensor([7, 8, 9, 10, -3, 11, 1, 0, 1, 1, 2, 3, 4, 5, 6]);
    dispose([t, flat]);
  });

  it('unravels to the original structure, shapes and dtypes; numbers come back as scalars', async () => {
    const t = tree();
    const { flat, unravel } = ravel(t);
    const v = tf.add(flat, 1) as tf.Tensor1D;
    const back = unravel(v);
    expect(back.b[1]).toBeNull();
    expect(back.w.shape).toEqual([2, 3]);
    expect(back.b[2]!.shape).toEqual([1, 1]);
    expect(back.empty.shape).toEqual([2, 0]);
    expect(back.idx.dtype).toBe('int32');
    expect(back.mask.dtype).toBe('bool');
    expect((back.count as unknown as tf.Tensor).shape).toEqual([]);
    await expect(back.b[0]).toBeCloseTensor([8, 9]);
    await expect(back.b[2]).toBeCloseTensor([[10]]);
    await expect(back.count).toBeCloseTensor(11);
    await expect(back.idx).toBeCloseTensor([-2, 12]);
    await expect(back.mask).toBeCloseTensor([1, 1, 1]); // 2, 1, 2 cast to bool are all true
    await expect(back.w).toBeCloseTensor([[2, 3, 4], [5, 6, 7]]);
    const again = unravel(flat);
    await expect(again.b[0]).toBeCloseTensor(t.b[0]!);
    await expect(again.b[2]).toBeCloseTensor(t.b[2]!);
    await expect(again.count).toBeCloseTensor(10);
    await expect(again.idx).toBeCloseTensor([-3, 11]);
    await expect(again.mask).toBeCloseTensor([1, 0, 1]);
    await expect(again.w).toBeCloseTensor(t.w);
    dispose([t, flat, v, back, again]);
  });

  it('checks the unravel length, naming the expected size', () => {
    const t = tree();
    const { flat, unravel } = ravel(t);
    const short = tf.zeros([14]);
    const wide = tf.zeros([1, 15]);
    expect(() => unravel(short)).toThrow(/^unravel: expected a flat vector of shape \[15\] \(the ravelled size of the tree\), got shape \[14\]$/);
    expect(() => unravel(wide)).toThrow(/shape \[15\].*got shape \[1, 15\]/);
    dispose([t, flat, short, wide]);
  });

  it('handles an empty tree and a single tensor', async () => {
    const e = ravel({ a: null, b: [] });
    expect(e.flat.shape).toEqual([0]);
    expect(e.unravel(e.flat)).toEqual({ a: null, b: [] });
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const r = ravel(x);
    await expect(r.flat).toBeCloseTensor([1, 2, 3, 4]);
    const back = r.unravel(r.flat);
    await expect(back).toBeCloseTensor([[1, 2], [3, 4]]);
    dispose([e.flat, x, r.flat, back]);
  });

  it('rejects string tensors, naming the path', () => {
    const s = tf.tensor1d(['a'], 'string');
    expect(() => ravel({ names: s })).toThrow(/ravel: leaf names has dtype string/);
    s.dispose();
  });

  it('leaks nothing (ravel, unravel and their errors)', async () => {
    const t = tree();
    await expectNoLeaks(() => ravel(t).flat);
    const { flat, unravel } = ravel(t);
    await expectNoLeaks(() => unravel(flat));
    const wrong = tf.zeros([3]);
    await expectNoLeaks(() => {
      expect(() => unravel(wrong)).toThrow(/shape \[15\]/);
    });
    dispose([t, flat, wrong]);
  });
});

describe('ravelBatched', () => {
  function chains() {
    return { loc: tf.tensor2d([[1, 2], [3, 4], [5, 6]]), scale: tf.tensor1d([7, 8, 9]), w: tf.tensor3d([[[1], [2]], [[3], [4]], [[5], [6]]]) };
  }

  it('ravels each batch row and unravels any leading shape', async () => {
    const t = chains();
    const { flat, unravel } = ravelBatched(t, 1);
    expect(flat.shape).toEqual([3, 5]);
    await expect(flat).toBeCloseTensor([
      [1, 2, 7, 1, 2],
      [3, 4, 8, 3, 4],
      [5, 6, 9, 5, 6],
    ]);
    const back = unravel(flat);
    await expect(back).toBeCloseTree(t);
    // A stack of 2 draws of the 3 chains.
    const draws = tf.stack([flat, tf.neg(flat)]);
    const d = unravel(draws);
    expect(d.loc.shape).toEqual([2, 3, 2]);
    expect(d.scale.shape).toEqual([2, 3]);
    expect(d.w.shape).toEqual([2, 3, 2, 1]);
    await expect(tf.slice(d.scale, [1, 0], [1, 3])).toBeCloseTensor([[-7, -8, -9]]);
    dispose([t, flat, back, draws, d]);
  });

  it('with batchDims 0 ravels like ravel', async () => {
    const t = chains();
    const a = ravel(t);
    const b = ravelBatched(t, 0);
    await expect(b.flat).toBeCloseTensor(a.flat);
    dispose([t, a.flat, b.flat]);
  });

  it('names the path and shapes when batch shapes differ, and checks its arguments', () => {
    const t = { a: tf.zeros([3, 2]), b: tf.zeros([4]), n: 1 };
    expect(() => ravelBatched(t, 1)).toThrow(/^ravelBatched: leaf b has batch shape \[4\] but leaf a has \[3\]$/);
    expect(() => ravelBatched({ a: t.a, n: 1 }, 1)).toThrow(/leaf n is a number, which has no batch dimensions/);
    expect(() => ravelBatched({ a: t.a }, 3)).toThrow(/leaf a has shape \[3, 2\], fewer than batchDims = 3/);
    expect(() => ravelBatched({ a: t.a }, -1)).toThrow(/'batchDims' must be a non-negative integer, got -1/);
    expect(() => ravelBatched({}, 1)).toThrow(/no leaves/);
    const { flat, unravel } = ravelBatched({ a: t.a }, 1);
    const bad = tf.zeros([3, 3]);
    expect(() => unravel(bad)).toThrow(/expected a tensor of shape \[\.\.\., 2\].*got shape \[3, 3\]/);
    dispose([t, flat, bad]);
  });

  it('leaks nothing', async () => {
    const t = chains();
    await expectNoLeaks(() => ravelBatched(t, 1).flat);
    const { flat, unravel } = ravelBatched(t, 1);
    await expectNoLeaks(() => unravel(flat));
    dispose([t, flat]);
  });
});
