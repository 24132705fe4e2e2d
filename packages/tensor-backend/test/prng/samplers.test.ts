import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import {
  bernoulli, categorical, key, normal, normalHost, permutation, randint, split, truncatedNormal, uniform,
} from '../../src/prng/index.js';

async function read(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data(), Number);
  t.dispose();
  return v;
}

describe('uniform and normal', () => {
  it('shapes, dtypes, ranges', async () => {
    const k = key(1);
    const s = uniform(k);
    expect(s.shape).toEqual([]);
    const u = await read(uniform(k, [1000]));
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const z = normal(k, [2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe('float32');
    expect(await read(z)).toEqual(Array.from(normalHost(k, [2, 3])));
    s.dispose();
  });

  it('array bounds broadcast against the shape', async () => {
    const v = await read(uniform(key(2), [500, 2], { minval: [-5, 10], maxval: [-4, 20] }));
    for (let i = 0; i < 500; i++) {
      expect(v[2 * i]! >= -5 && v[2 * i]! < -4).toBe(true);
      expect(v[2 * i + 1]! >= 10 && v[2 * i + 1]! < 20).toBe(true);
    }
    expect(() => uniform(key(2), [3], { minval: [0, 1] })).toThrow(/minval of shape \[2\] does not broadcast to shape \[3\]/);
    expect(() => uniform(key(2), [3], { maxval: NaN })).toThrow(/maxval must be a number/);
  });

  it('uniform and normal moments (fixed key, 5 Monte Carlo SE)', async () => {
    const n = 20000;
    const u = await read(uniform(key(3), [n]));
    const z = await read(normal(key(4), [n]));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(mean(z))).toBeLessThan(5 * Math.sqrt(1 / n));
    const m2 = mean(z.map((x) => x * x));
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });
});

describe('truncatedNormal', () => {
  it('stays strictly inside the bounds, including infinite ones', async () => {
    const v = await read(truncatedNormal(key(5), -Infinity, 0, [1000]));
    expect(v.every((x) => x < 0 && Number.isFinite(x))).toBe(true);
    const w = await read(truncatedNormal(key(6), [0, 3], [0.001, Infinity], [400, 2]));
    for (let i = 0; i < 400; i++) {
      expect(w[2 * i]! > 0 && w[2 * i]! < 0.001).toBe(true);
      expect(w[2 * i + 1]! > 3).toBe(true);
    }
  });

  it('the shape defaults to the broadcast of the bounds', () => {
    const t = truncatedNormal(key(7), [[-1], [0]], [1, 2, 3]);
    expect(t.shape).toEqual([2, 3]);
    t.dispose();
  });

  it('rejects bad bounds', () => {
    expect(() => truncatedNormal(key(0), 1, 1)).toThrow(/lower must be < upper/);
    expect(() => truncatedNormal(key(0), 2, 1, [3])).toThrow(/lower must be < upper/);
    expect(() => truncatedNormal(key(0), NaN, 1)).toThrow(/lower must be < upper/);
    expect(() => truncatedNormal(key(0), [0, 1], 2, [3])).toThrow(/does not broadcast/);
  });
});

describe('bernoulli', () => {
  it('p = 0 and p = 1 as numbers and tensors', async () => {
    expect(await read(bernoulli(key(1), 0, [5]))).toEqual([0, 0, 0, 0, 0]);
    expect(await read(bernoulli(key(1), 1, [5]))).toEqual([1, 1, 1, 1, 1]);
    const p = tf.tensor1d([0, 1, NaN]);
    expect(await read(bernoulli(key(1), p))).toEqual([0, 1, 0]);
    p.dispose();
  });

  it('frequency matches p (fixed key, 5 SE)', async () => {
    const n = 20000;
    const v = await read(bernoulli(key(2), 0.2, [n]));
    const f = v.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(f - 0.2)).toBeLessThan(5 * Math.sqrt(0.16 / n));
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => bernoulli(key(0), 1.5)).toThrow(/p must be a probability in \[0, 1\], got 1.5/);
    expect(() => bernoulli(key(0), [0.5, NaN])).toThrow(/flat index 1/);
  });
});

describe('categorical', () => {
  it('frequencies follow softmax(logits); -Infinity is never drawn (fixed key, 5 SE)', async () => {
    const n = 20000;
    const logits = [0, Math.log(2), Math.log(7), -Infinity];
    const v = await read(categorical(key(3), logits, { shape: [n] }));
    const p = [0.1, 0.2, 0.7, 0];
    for (let c = 0; c < 4; c++) {
      const f = v.filter((x) => x === c).length / n;
      expect(Math.abs(f - p[c]!)).toBeLessThanOrEqual(5 * Math.sqrt((p[c]! * (1 - p[c]!)) / n));
    }
  });

  it('axis and batch shapes', async () => {
    const logits = [[0, 100], [100, 0], [-100, 50]]; // [3, 2]. float32 Gumbel noise lies in [-4.5, 16], so gaps of 50 decide every argmax.
    const a0 = categorical(key(4), logits, { axis: 0 });
    expect(a0.shape).toEqual([2]);
    expect(await read(a0)).toEqual([1, 0]);
    const a1 = categorical(key(4), logits, { axis: -1, shape: [5, 3] });
    expect(a1.shape).toEqual([5, 3]);
    expect(await read(a1)).toEqual(Array.from({ length: 5 }, () => [1, 0, 1]).flat());
    const t = tf.tensor2d(logits);
    expect(await read(categorical(key(4), t, { axis: 0 }))).toEqual([1, 0]);
    t.dispose();
  });

  it('rejects bad logits and axes', () => {
    expect(() => categorical(key(0), 1)).toThrow(/at least one axis/);
    expect(() => categorical(key(0), [1, 2], { axis: 1 })).toThrow(/axis 1 is out of range/);
    expect(() => categorical(key(0), [1, NaN])).toThrow(/logits must be a number below \+Infinity/);
    expect(() => categorical(key(0), [[1, 2], [3, 4]], { shape: [3] })).toThrow(/does not broadcast/);
    expect(() => categorical(key(0), [])).toThrow(/no categories/);
  });
});

describe('randint', () => {
  it('values lie in [minval, maxval) and are uniform (fixed key, 5 SE)', async () => {
    const n = 12000;
    const v = await read(randint(key(5), [n], -3, 3));
    const counts = new Map<number, number>();
    for (const x of v) counts.set(x, (counts.get(x) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2]);
    for (const c of counts.values()) expect(Math.abs(c - n / 6)).toBeLessThan(5 * Math.sqrt((n * 5) / 36));
  });

  it('edge ranges: maxval <= minval gives minval; the full int32 range; broadcast bounds', async () => {
    expect(await read(randint(key(6), [4], 5, 5))).toEqual([5, 5, 5, 5]);
    expect(await read(randint(key(6), [4], 5, -5))).toEqual([5, 5, 5, 5]);
    const full = await read(randint(key(6), [1000], -(2 ** 31), 2 ** 31));
    expect(full.some((x) => x < -(2 ** 30)) && full.some((x) => x > 2 ** 30)).toBe(true);
    const b = await read(randint(key(6), [100, 2], [0, 1000], [2, 1001]));
    for (let i = 0; i < 100; i++) {
      expect(b[2 * i]! === 0 || b[2 * i]! === 1).toBe(true);
      expect(b[2 * i + 1]).toBe(1000);
    }
  });

  it('rejects non-integers and out-of-range bounds', () => {
    expect(() => randint(key(0), [2], 0.5, 3)).toThrow(/minval must hold integers/);
    expect(() => randint(key(0), [2], 0, 2 ** 31 + 1)).toThrow(/maxval must hold integers/);
    expect(() => randint(key(0), [2], [0, 1, 2], 3)).toThrow(/does not broadcast/);
  });
});

describe('permutation', () => {
  it('permutes arange(n) and the slices of a tensor along an axis', async () => {
    const p = await read(permutation(key(8), 50));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const y = permutation(key(9), x, { axis: 1 });
    const perm = await read(permutation(key(9), 3));
    expect(await read(y)).toEqual([perm.map((i) => i + 1), perm.map((i) => i + 4)].flat());
    expect(x.isDisposed).toBe(false);
    x.dispose();
    expect(await read(permutation(key(8), 0))).toEqual([]);
    expect(await read(permutation(key(8), 1))).toEqual([0]);
  });

  it('large n uses more sort rounds and stays a permutation', async () => {
    const p = await read(permutation(key(10), 5000));
    expect(new Set(p).size).toBe(5000);
  });

  it('rejects bad arguments', () => {
    expect(() => permutation(key(0), -1)).toThrow(/non-negative integer/);
    expect(() => permutation(key(0), 2.5)).toThrow(/non-negative integer/);
    const s = tf.scalar(3);
    expect(() => permutation(key(0), s)).toThrow(/at least one axis/);
    s.dispose();
    const x = tf.zeros([2, 2]);
    expect(() => permutation(key(0), x, { axis: 2 })).toThrow(/axis 2 is out of range/);
    x.dispose();
  });
});

describe('no leaks', () => {
  it('every JAX-compatible sampler', async () => {
    const [k] = split(key(0), 1) as [ReturnType<typeof key>];
    const p = tf.tensor1d([0.2, 0.8]);
    const logits = tf.tensor2d([[0, 1], [2, 3]]);
    const lo = tf.scalar(-1);
    const hi = tf.tensor1d([0.5, 2]);
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    await expectNoLeaks(() => uniform(k, [3]));
    await expectNoLeaks(() => uniform(k, [2], { minval: lo, maxval: hi }));
    await expectNoLeaks(() => normal(k, [2, 2]));
    await expectNoLeaks(() => truncatedNormal(k, -1, 1, [3]));
    await expectNoLeaks(() => truncatedNormal(k, lo, hi));
    await expectNoLeaks(() => bernoulli(k, 0.3, [4]));
    await expectNoLeaks(() => bernoulli(k, p));
    await expectNoLeaks(() => categorical(k, [0, 1, 2], { shape: [3] }));
    await expectNoLeaks(() => categorical(k, logits, { axis: 0 }));
    await expectNoLeaks(() => randint(k, [3], 0, 10));
    await expectNoLeaks(() => permutation(k, 5));
    await expectNoLeaks(() => permutation(k, x, { axis: 1 }));
    tf.dispose([p, logits, lo, hi, x]);
  });
});
