import * as tf from '@tensorflow/tfjs-core';
import { key, toFloat64Array } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { bimodal1D, circles, gap1D, heteroscedastic1D, spirals, twoMoons } from '../../src/course/index.js';

async function read(d: { x: tf.Tensor; y: tf.Tensor }): Promise<[Float64Array, Float64Array]> {
  const out = [await toFloat64Array(d.x), await toFloat64Array(d.y)] as [Float64Array, Float64Array];
  tf.dispose([d.x, d.y]);
  return out;
}

describe('2-D classification toys', () => {
  it('twoMoons without noise lies on the two half circles, balanced labels, shuffled', async () => {
    const [x, y] = await read(twoMoons(key(0), 101, { noise: 0 }));
    expect(x.length).toBe(202);
    expect(y.filter((v) => v === 0).length).toBe(50);
    for (let i = 0; i < 101; i++) {
      const [a, b] = [x[2 * i]!, x[2 * i + 1]!];
      const r = y[i] === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
      expect(r).toBeCloseTo(1, 5);
      expect(y[i] === 0 ? b >= -1e-6 : b <= 0.5 + 1e-6).toBe(true);
    }
    expect(Array.from(y.slice(0, 50))).not.toEqual(new Array(50).fill(0));
  });

  it('circles without noise has radii 1 and factor', async () => {
    const [x, y] = await read(circles(key(1), 40, { noise: 0, factor: 0.5 }));
    for (let i = 0; i < 40; i++) expect(Math.hypot(x[2 * i]!, x[2 * i + 1]!)).toBeCloseTo(y[i] === 0 ? 1 : 0.5, 5);
    expect(() => circles(key(1), 4, { factor: 1 })).toThrow(/factor/);
  });

  it('spirals without noise: arm 1 is arm 0 turned by pi', async () => {
    const [x, y] = await read(spirals(key(2), 30, { noise: 0 }));
    const arms: number[][][] = [[], []];
    for (let i = 0; i < 30; i++) arms[y[i]!]!.push([x[2 * i]!, x[2 * i + 1]!]);
    const key0 = (p: number[]): string => `${p[0]!.toFixed(4)},${p[1]!.toFixed(4)}`;
    const set0 = new Set(arms[0]!.map(key0));
    for (const p of arms[1]!) expect(set0.has(key0([-p[0]! + 0, -p[1]! + 0]))).toBe(true);
  });

  it('is deterministic per key, noisy with a noise sd, and leaves nothing behind', async () => {
    for (const make of [twoMoons, circles, spirals]) {
      const [a] = await read(make(key(5), 20));
      const [b] = await read(make(key(5), 20));
      const [c] = await read(make(key(6), 20));
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(Array.from(a)).not.toEqual(Array.from(c));
      await expectNoLeaks(() => make(key(5), 20));
    }
    expect(() => twoMoons(key(0), 10, { noise: -1 })).toThrow(/twoMoons: options.noise/);
  });
});

describe('1-D regression toys', () => {
  it('heteroscedastic1D: residual sd 0.1 + 0.2|x| in two x slices', async () => {
    const [x, y] = await read(heteroscedastic1D(key(0), 200000));
    for (const [lo, hi] of [[0, 0.5], [2.5, 3]] as const) {
      const r: number[] = [];
      for (let i = 0; i < x.length; i++) {
        if (Math.abs(x[i]!) < lo || Math.abs(x[i]!) >= hi) continue;
        r.push((y[i]! - Math.sin(x[i]!)) / (0.1 + 0.2 * Math.abs(x[i]!)));
      }
      const m2 = r.reduce((a, v) => a + v * v, 0) / r.length;
      expect(Math.abs(Math.sqrt(m2) - 1)).toBeLessThan(4 / Math.sqrt(2 * r.length));
    }
  });

  it('bimodal1D: |y| near 1 + x^2/4, both signs about equally often', async () => {
    const n = 20000;
    const [x, y] = await read(bimodal1D(key(1), n));
    let pos = 0;
    for (let i = 0; i < n; i++) {
      expect(Math.abs(Math.abs(y[i]!) - (1 + x[i]! ** 2 / 4))).toBeLessThan(0.6);
      if (y[i]! > 0) pos++;
    }
    expect(Math.abs(pos / n - 0.5)).toBeLessThan(4 * 0.5 / Math.sqrt(n));
  });

  it('gap1D: no x in (-1, 1), both sides used, y = sin(x) + 0.1 noise', async () => {
    const [x, y] = await read(gap1D(key(2), 5000));
    expect(x.every((v) => Math.abs(v) >= 1 && Math.abs(v) <= 3)).toBe(true);
    expect(x.some((v) => v < 0) && x.some((v) => v > 0)).toBe(true);
    const r = Array.from(y, (v, i) => v - Math.sin(x[i]!));
    const sd = Math.sqrt(r.reduce((a, v) => a + v * v, 0) / r.length);
    expect(Math.abs(sd - 0.1)).toBeLessThan((4 * 0.1) / Math.sqrt(2 * 5000));
  });

  it('shapes, determinism, errors, no leaks', async () => {
    for (const make of [heteroscedastic1D, bimodal1D, gap1D]) {
      const d = make(key(3), 7);
      expect(d.x.shape).toEqual([7, 1]);
      expect(d.y.shape).toEqual([7, 1]);
      const [, a] = await read(d);
      const [, b] = await read(make(key(3), 7));
      const [, c] = await read(make(key(4), 7));
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(Array.from(a)).not.toEqual(Array.from(c));
      expect(() => make(key(3), 1.5)).toThrow(/n must be a positive integer/);
      await expectNoLeaks(() => make(key(3), 7));
    }
  });
});
