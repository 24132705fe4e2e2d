import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../src/matchers.js';
import { refNumber } from '../src/reference.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('toBeCloseTensor', () => {
  it('passes within rtol/atol and fails outside, naming the worst index', async () => {
    const t = tf.tensor1d([1, 2, 3]);
    await expect(t).toBeCloseTensor([1, 2, 3.000001], { rtol: 1e-6, atol: 0 });
    await expect(expect(t).toBeCloseTensor([1, 2, 3.1], { rtol: 1e-3, atol: 0 })).rejects.toThrow(/worst at flat index 2/);
    t.dispose();
  });

  it('matches NaN with NaN and infinities only with equal infinities', async () => {
    const t = tf.tensor1d([NaN, Infinity, -Infinity]);
    await expect(t).toBeCloseTensor([NaN, Infinity, -Infinity]);
    await expect(expect(t).toBeCloseTensor([NaN, Infinity, Infinity])).rejects.toThrow(/differ/);
    await expect(expect(t).toBeCloseTensor([0, Infinity, -Infinity])).rejects.toThrow(/differ/);
    t.dispose();
  });

  it('checks shapes', async () => {
    const t = tf.tensor2d([[1, 2], [3, 4]]);
    await expect(expect(t).toBeCloseTensor([1, 2, 3, 4])).rejects.toThrow(/shape \[2,2\] != expected \[4\]/);
    await expect(t).toBeCloseTensor([1, 2, 3, 4], { checkShape: false });
    t.dispose();
  });

  it('supports .not', async () => {
    await expect(tf.scalar(1)).not.toBeCloseTensor(2);
  });
});

describe('toBeCloseTree', () => {
  it('compares leaves by path and reports structure differences', async () => {
    const a = { w: tf.tensor1d([1, 2]), b: [tf.scalar(3)] };
    await expect(a).toBeCloseTree({ w: [1, 2], b: [3] });
    await expect(expect(a).toBeCloseTree({ w: [1, 2.5], b: [3] })).rejects.toThrow(/leaf w:/);
    await expect(expect(a).toBeCloseTree({ w: [1, 2], c: [3] })).rejects.toThrow(/structure differs/);
    tf.dispose([a.w, ...a.b]);
  });
});

describe('expectNoLeaks', () => {
  it('passes when returned tensors are the only new ones and fails on a leak', async () => {
    await expectNoLeaks(() => tf.tidy(() => tf.add(tf.scalar(1), 1)));
    let leaked;
    await expect(expectNoLeaks(() => { leaked = tf.scalar(1); return 0; })).rejects.toThrow(/leak: 1 tensor/);
    leaked.dispose();
  });
});

describe('refNumber', () => {
  it('reads the reference encoding of non-finite values', () => {
    expect(refNumber('inf')).toBe(Infinity);
    expect(refNumber('-inf')).toBe(-Infinity);
    expect(refNumber('nan')).toBeNaN();
    expect(refNumber(-0.5)).toBe(-0.5);
    expect(() => refNumber(null)).toThrow(/not a reference number/);
  });
});
