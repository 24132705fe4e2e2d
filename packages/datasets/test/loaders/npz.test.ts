import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { npyToTensor, parseNpy, parseNpz, writeNpy } from '../../src/loaders/index.js';

describe('parseNpz', () => {
  it('reads stored and deflated members', () => {
    const x = writeNpy([1, 2, 3, 4, 5, 6], [3, 2], 'float64');
    const y = writeNpy(Array.from({ length: 1000 }, (_, i) => i % 7), [1000], 'int32');
    const zip = zipSync({ 'x.npy': [x, { level: 0 }], 'y.npy': [y, { level: 9 }] });
    expect(zip.length).toBeLessThan(x.length + y.length); // y really was deflated
    const z = parseNpz(zip, 'data.npz');
    expect(Object.keys(z).sort()).toEqual(['x', 'y']);
    expect(z.x!.shape).toEqual([3, 2]);
    expect(Array.from(z.x!.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(z.y!.dtype).toBe('int32');
    expect(Array.from(z.y!.data)).toEqual(Array.from({ length: 1000 }, (_, i) => i % 7));
  });

  it('names the archive and member on errors', () => {
    expect(() => parseNpz(new Uint8Array([1, 2, 3, 4]), 'bad.npz')).toThrow(/bad\.npz: not a readable zip archive/);
    const zip = zipSync({ 'w.npy': new Uint8Array(16) });
    expect(() => parseNpz(zip, 'a.npz')).toThrow(/a\.npz:w\.npy: not a \.npy file/);
  });
});

describe('npyToTensor', () => {
  it('maps dtypes to float32, int32 and bool', async () => {
    const f = npyToTensor(parseNpy(writeNpy([0.5, 1.5, 2.5, 3.5], [2, 2], 'float64')));
    expect(f.dtype).toBe('float32');
    expect(f.shape).toEqual([2, 2]);
    expect(Array.from(await f.data())).toEqual([0.5, 1.5, 2.5, 3.5]);
    const i = npyToTensor(parseNpy(writeNpy([65535, 0, 3], [3], 'uint16')));
    expect(i.dtype).toBe('int32');
    expect(Array.from(await i.data())).toEqual([65535, 0, 3]);
    const b = npyToTensor(parseNpy(writeNpy([1, 0], [2], 'bool')));
    expect(b.dtype).toBe('bool');
    expect(Array.from(await b.data())).toEqual([1, 0]);
    const s = npyToTensor(parseNpy(writeNpy([-4], [], 'int64')));
    expect(s.shape).toEqual([]);
    expect(Array.from(await s.data())).toEqual([-4]);
    tf.dispose([f, i, b, s]);
  });

  it('rejects integers beyond int32', () => {
    expect(() => npyToTensor(parseNpy(writeNpy([2 ** 31], [1], 'uint32')), 'u.npy')).toThrow(/u\.npy: uint32 element 0 = 2147483648 does not fit int32/);
    expect(() => npyToTensor(parseNpy(writeNpy([-(2 ** 31) - 1], [1], 'int64')))).toThrow(/does not fit int32/);
  });

  it('does not leak', async () => {
    const npy = parseNpy(writeNpy([1, 2, 3], [3], 'float32'));
    await expectNoLeaks(() => npyToTensor(npy));
    const before = tf.memory().numTensors;
    expect(() => npyToTensor(parseNpy(writeNpy([2 ** 31], [1], 'uint32')))).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
