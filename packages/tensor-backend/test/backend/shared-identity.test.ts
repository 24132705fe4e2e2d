import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// initBackend replaces wasm's copying Identity with one that shares memory by reference count (as
// the cpu backend does). Clones must still behave as independent tensors: disposing either one
// leaves the other readable, memory is freed when the last one goes, and gradients (whose saved
// tensors are clones) are unchanged. These run on every backend.
describe('Identity (tf.clone)', () => {
  it('keeps a clone readable after the original is disposed, and frees the memory with the last one', async () => {
    const bytes0 = tf.memory().numBytes;
    const x = tf.tensor1d([1, 2, 3, 4]);
    const y = tf.clone(x);
    const z = tf.clone(y);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
    y.dispose();
    expect(Array.from(await z.data())).toEqual([1, 2, 3, 4]);
    z.dispose();
    expect(tf.memory().numBytes).toBe(bytes0);
  });

  it('shares data instead of copying it (as cpu and WebGPU do natively)', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    const backend = tf.backend() as unknown as { refCount(dataId: tf.DataId): number };
    expect(backend.refCount(x.dataId)).toBe(2);
    y.dispose();
    expect(backend.refCount(x.dataId)).toBe(1);
    x.dispose();
  });

  it('gives the same gradients through ops that save their inputs', async () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.exp(t), tf.square(t))))(x);
    const expected = [0.5, -1, 2].map((v) => Math.exp(v) * (v * v + 2 * v));
    const got = await g.data();
    for (let i = 0; i < 3; i++) expect(got[i]).toBeCloseTo(expected[i]!, 4);
    tf.dispose([x, g]);
  });
});
