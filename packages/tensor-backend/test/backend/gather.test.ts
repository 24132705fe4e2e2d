import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// tf.gather on this backend (on wasm, probdl's JavaScript GatherV2) against values worked out by
// hand: axes, batch dimensions (tfjs-backend-wasm's own kernel got batchDims 1 wrong), dtypes,
// repeated indices and the out-of-range error.
describe('gather', () => {
  const x = () => tf.tensor3d(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);

  it('axis 0 with repeated indices (minibatch rows)', async () => {
    const m = tf.tensor2d(Array.from({ length: 12 }, (_, i) => i), [4, 3]);
    const ids = tf.tensor1d([3, 0, 3], 'int32');
    const g = tf.gather(m, ids);
    expect(g.shape).toEqual([3, 3]);
    expect(Array.from(await g.data())).toEqual([9, 10, 11, 0, 1, 2, 9, 10, 11]);
    tf.dispose([m, ids, g]);
  });

  it('a middle and the last axis, with 2-D indices', async () => {
    const t = x();
    const ids = tf.tensor2d([[2, 0]], [1, 2], 'int32');
    const mid = tf.gather(t, ids, 1);
    expect(mid.shape).toEqual([2, 1, 2, 4]);
    expect(Array.from(await mid.data())).toEqual([8, 9, 10, 11, 0, 1, 2, 3, 20, 21, 22, 23, 12, 13, 14, 15]);
    const last = tf.gather(t, tf.tensor1d([3, 1], 'int32'), 2);
    expect(last.shape).toEqual([2, 3, 2]);
    expect(Array.from(await last.data())).toEqual([3, 1, 7, 5, 11, 9, 15, 13, 19, 17, 23, 21]);
    tf.dispose([t, ids, mid, last]);
  });

  it('batchDims 1: each batch row picks its own indices', async () => {
    const t = x();
    const ids = tf.tensor2d([[1], [2]], [2, 1], 'int32');
    const g = tf.gather(t, ids, 1, 1);
    expect(g.shape).toEqual([2, 1, 4]);
    expect(Array.from(await g.data())).toEqual([4, 5, 6, 7, 20, 21, 22, 23]);
    tf.dispose([t, ids, g]);
  });

  it('int32 and bool tensors, and long rows', async () => {
    const i32 = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    const b = tf.tensor1d([true, false, true]);
    const wide = tf.tensor2d(Array.from({ length: 200 }, (_, i) => i), [2, 100]);
    const one = tf.tensor1d([1], 'int32');
    const gi = tf.gather(i32, one);
    const gb = tf.gather(b, tf.tensor1d([1, 2], 'int32'));
    const gw = tf.gather(wide, one);
    expect(gi.dtype).toBe('int32');
    expect(Array.from(await gi.data())).toEqual([3, 4]);
    expect(gb.dtype).toBe('bool');
    expect(Array.from(await gb.data())).toEqual([0, 1]);
    expect(Array.from(await gw.data())).toEqual(Array.from({ length: 100 }, (_, i) => 100 + i));
    tf.dispose([i32, b, wide, one, gi, gb, gw]);
  });

  it('rejects an index out of range, naming it (cpu, wasm: WebGPU does not check, and returns zeros)', async () => {
    const m = tf.zeros([3, 2]);
    const ids = tf.tensor1d([0, 3], 'int32');
    if (tf.getBackend() === 'webgpu') {
      const g = tf.gather(m, ids);
      expect(Array.from(await g.data())).toEqual([0, 0, 0, 0]);
      tf.dispose([m, ids, g]);
      return;
    }
    expect(() => tf.gather(m, ids)).toThrow(/index value 3 is not in \[0, 2\]/);
    tf.dispose([m, ids]);
  });
});
