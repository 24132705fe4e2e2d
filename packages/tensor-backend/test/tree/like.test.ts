import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { assertSameShapes, clone, dispose, onesLike, size, zerosLike } from '../../src/tree/index.js';

function state() {
  return {
    count: 3,
    mu: { w: tf.tensor2d([[1, 2, 3], [4, 5, 6]]), b: tf.tensor1d([7, 8], 'int32') },
    nu: [tf.scalar(2), null],
  };
}

describe('zerosLike / onesLike / clone', () => {
  it('zerosLike and onesLike keep structure, shapes and dtypes; numbers become 0 and 1', async () => {
    const s = state();
    const z = zerosLike(s);
    const o = onesLike(s);
    expect(z.count).toBe(0);
    expect(o.count).toBe(1);
    expect(z.mu.b.dtype).toBe('int32');
    expect(o.nu[1]).toBeNull();
    expect(z.nu[1]).toBeNull();
    await expect(z.mu).toBeCloseTree({ b: [0, 0], w: [[0, 0, 0], [0, 0, 0]] });
    await expect(o.mu).toBeCloseTree({ b: [1, 1], w: [[1, 1, 1], [1, 1, 1]] });
    await expect(z.nu[0]).toBeCloseTensor(0);
    await expect(o.nu[0]).toBeCloseTensor(1);
    dispose([s, z, o]);
  });

  it('clone gives tensors the caller can dispose independently of the originals', async () => {
    const s = state();
    const c = clone(s);
    expect(c.mu.w).not.toBe(s.mu.w);
    dispose(s);
    expect(c.count).toBe(3);
    expect(c.nu[1]).toBeNull();
    await expect(c.mu).toBeCloseTree({ b: [7, 8], w: [[1, 2, 3], [4, 5, 6]] });
    await expect(c.nu[0]).toBeCloseTensor(2);
    dispose(c);
  });

  it('leak nothing', async () => {
    const s = state();
    await expectNoLeaks(() => zerosLike(s));
    await expectNoLeaks(() => onesLike(s));
    await expectNoLeaks(() => clone(s));
    dispose(s);
  });
});

describe('size and dispose', () => {
  it('size counts elements, a number as one', () => {
    const s = state();
    expect(size(s)).toBe(1 + 6 + 2 + 1);
    expect(size({ a: null })).toBe(0);
    expect(size(tf.zeros([0, 4]))).toBe(0);
    dispose(s);
  });

  it('dispose frees every tensor, tolerates non-tree data and double disposal', () => {
    const before = tf.memory().numTensors;
    const t = tf.scalar(1);
    const s = { ...state(), label: 'adam', extra: new Map(), again: t, t };
    dispose(s);
    dispose(s);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => dispose('nothing')).not.toThrow();
    expect(() => dispose(undefined)).not.toThrow();
  });
});

describe('assertSameShapes', () => {
  it('passes for equal structures and shapes (dtypes may differ)', () => {
    const a = state();
    const b = zerosLike(a);
    b.mu.b = tf.zeros([2], 'float32');
    expect(() => assertSameShapes(a, b, 'update')).not.toThrow();
    dispose([a, b]);
  });

  it('names the path and both shapes on a shape mismatch', () => {
    const a = { layers: [{ w: tf.zeros([3, 4]) }, { w: tf.zeros([3, 4]) }] };
    const b = { layers: [{ w: tf.zeros([3, 4]) }, { w: tf.zeros([4, 3]) }] };
    expect(() => assertSameShapes(a, b, 'update')).toThrow(/^update: shape mismatch at layers\[1\]\.w: \[3, 4\] vs \[4, 3\]$/);
    expect(() => assertSameShapes({ s: 1 }, { s: tf.zeros([1]) })).toThrow(/^assertSameShapes: shape mismatch at s: \[\] vs \[1\]$/);
    dispose([a, b]);
  });

  it('names the path on a structure mismatch', () => {
    expect(() => assertSameShapes({ a: [1, 2] }, { a: [1] }, 'grads vs params')).toThrow(
      /^grads vs params: the second tree differs in structure at a\[1\]/,
    );
  });

  it('leaks nothing', async () => {
    const a = state();
    await expectNoLeaks(() => assertSameShapes(a, a));
    dispose(a);
  });
});
