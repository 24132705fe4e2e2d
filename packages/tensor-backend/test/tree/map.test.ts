import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { dispose, map, mapWithPath, type LeafPath } from '../../src/tree/index.js';

function tree() {
  return {
    layers: [
      { w: tf.tensor2d([[1, 2], [3, 4]]), b: tf.tensor1d([1, -1]) },
      { w: tf.tensor2d([[0.5], [2]]), b: null },
    ],
    scale: tf.scalar(3),
  };
}

describe('map', () => {
  it('applies f to every leaf and keeps the structure', async () => {
    const t = tree();
    const out = map((x) => tf.mul(x, 2), t);
    await expect(out.layers[0]!.w).toBeCloseTensor([[2, 4], [6, 8]]);
    await expect(out.layers[0]!.b).toBeCloseTensor([2, -2]);
    await expect(out.layers[1]!.w).toBeCloseTensor([[1], [4]]);
    expect(out.layers[1]!.b).toBeNull();
    await expect(out.scale).toBeCloseTensor(6);
    dispose([t, out]);
  });

  it('passes the leaves of every tree at the same place', async () => {
    const p = tree();
    const g = tree();
    const out = map((a, b, c) => tf.sub(a, tf.mul(0.5, tf.add(b, c as tf.Tensor))), p, g, g);
    // p - 0.5 (g + g) = p - g = 0 everywhere
    await expect(out.layers[0]).toBeCloseTree({ b: [0, 0], w: [[0, 0], [0, 0]] });
    await expect(out.layers[1]!.w).toBeCloseTensor([[0], [0]]);
    expect(out.layers[1]!.b).toBeNull();
    await expect(out.scale).toBeCloseTensor(0);
    dispose([p, g, out]);
  });

  it('maps numbers too and may return any value', () => {
    expect(map((x) => (x as number) + 1, { a: 1, b: [2, null] })).toEqual({ a: 2, b: [3, null] });
    expect(map((x, y) => `${x as number}${y as number}`, [1, 2], [3, 4])).toEqual(['13', '24']);
  });

  it('names the first path where the trees differ', () => {
    const a = { layers: [{ w: 1, b: 2 }, { w: 3 }], s: 4 };
    expect(() => map((x) => x, a, { layers: [{ w: 1, b: 2 }, { v: 3 }], s: 4 })).toThrow(
      /map: tree 2 differs in structure at layers\[1\]\.v: unexpected key \(expected keys \[w\], got \[v\]\)/,
    );
    expect(() => map((x) => x, a, { layers: [{ w: 1, b: 2 }, {}], s: 4 })).toThrow(/at layers\[1\]\.w: the key is missing/);
    expect(() => map((x) => x, a, { layers: [{ w: 1, b: 2 }], s: 4 })).toThrow(
      /at layers\[1\]: expected an array of length 2, got length 1/,
    );
    expect(() => map((x) => x, a, { layers: [{ w: [1], b: 2 }, { w: 3 }], s: 4 })).toThrow(
      /at layers\[0\]\.w: expected a leaf \(tensor or number\), got an array of length 1/,
    );
    expect(() => map((x) => x, a, a, { layers: [{ w: 1, b: 2 }, { w: 3 }], s: null })).toThrow(/tree 3 differs in structure at s/);
    expect(() => map((x) => x, { a: null }, { a: 1 })).toThrow(/at a: expected an empty subtree \(null\), got a number/);
    expect(() => map((x) => x, { a: 1 }, [1])).toThrow(/at <root>: expected an object with keys \[a\], got an array/);
  });

  it('accepts null where the first tree has undefined, and a missing key where it holds undefined', () => {
    expect(map((x) => x, { a: undefined, b: [undefined, 1] }, { b: [null, 2] })).toEqual({ b: [undefined, 1] });
  });

  it('runs f in a tidy: intermediates are disposed, results are kept, inputs are not disposed', async () => {
    const t = tree();
    await expectNoLeaks(() => map((x) => tf.add(tf.mul(x, 3), tf.onesLike(x)), t));
    await expectNoLeaks(() => map((x, y) => tf.mul(x, y as tf.Tensor), t, t));
    expect(t.scale.isDisposed).toBe(false);
    dispose(t);
  });
});

describe('mapWithPath', () => {
  it('gives f the path as a string and as keys, and the leaves', () => {
    const seen: [string, readonly (string | number)[], number, number][] = [];
    const out = mapWithPath(
      (p: LeafPath, x, y) => {
        seen.push([p.path, p.keys, x as number, y as number]);
        return p.path;
      },
      { z: 1, layers: [{ w: 2 }, null, { 'odd key': 3 }] },
      { z: 10, layers: [{ w: 20 }, null, { 'odd key': 30 }] },
    );
    expect(seen).toEqual([
      ['layers[0].w', ['layers', 0, 'w'], 2, 20],
      ['layers[2]["odd key"]', ['layers', 2, 'odd key'], 3, 30],
      ['z', ['z'], 1, 10],
    ]);
    expect(out).toEqual({ z: 'z', layers: [{ w: 'layers[0].w' }, null, { 'odd key': 'layers[2]["odd key"]' }] });
    expect(mapWithPath((p) => p.path, 5)).toBe('');
  });

  it('names the first differing path and leaks nothing', async () => {
    expect(() => mapWithPath((_, x) => x, { a: [1] }, { a: [1, 2] })).toThrow(/^mapWithPath: tree 2 differs in structure at a\[1\]/);
    const t = tree();
    await expectNoLeaks(() => mapWithPath((p, x) => (p.path === 'scale' ? tf.neg(x) : tf.clone(x as tf.Tensor)), t));
    dispose(t);
  });
});
