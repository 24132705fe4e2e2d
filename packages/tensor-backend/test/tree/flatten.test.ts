import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { flatten, leaves, structure, unflatten, type Tree, type TreeDef } from '../../src/tree/index.js';

// Trees in these tests are built from tensors whose values say where they sit, so the expected
// leaf order is written out by hand (sorted object keys, arrays in order), not read back from flatten.
function params() {
  return {
    w: tf.tensor2d([[1, 2], [3, 4]]),
    layers: [{ w: tf.tensor1d([5, 6, 7]), b: tf.scalar(8) }, { w: tf.zeros([0, 2]), b: null }],
    a: tf.tensor([9], [1, 1, 1], 'int32'),
    step: 10,
  };
}

describe('flatten / unflatten', () => {
  it('lists leaves depth first with sorted object keys and arrays in order', async () => {
    const p = params();
    const { leaves: ls, treedef } = flatten(p);
    // a, layers[0].b, layers[0].w, layers[1].w, step, w  (layers[1].b is empty)
    expect(ls).toHaveLength(6);
    expect(ls[0]).toBe(p.a);
    expect(ls[1]).toBe(p.layers[0]!.b);
    expect(ls[2]).toBe(p.layers[0]!.w);
    expect(ls[3]).toBe(p.layers[1]!.w);
    expect(ls[4]).toBe(10);
    expect(ls[5]).toBe(p.w);
    expect(treedef.numLeaves).toBe(6);
    expect(treedef.toString()).toBe('TreeDef({a: *, layers: [{b: *, w: *}, {b: null, w: *}], step: *, w: *})');
    tf.dispose(ls.filter((l): l is tf.Tensor => l instanceof tf.Tensor));
  });

  it('round-trips nested objects and arrays with mixed shapes, dtypes, numbers and empty subtrees', async () => {
    const p = params();
    const { leaves: ls, treedef } = flatten(p);
    const back = unflatten(treedef, ls);
    expect(Object.keys(back)).toEqual(['a', 'layers', 'step', 'w']);
    expect(back.w).toBe(p.w);
    expect(back.a).toBe(p.a);
    expect(back.step).toBe(10);
    expect(back.layers[1]!.b).toBeNull();
    expect(back.layers[1]!.w.shape).toEqual([0, 2]);
    expect(structure(back).equals(treedef)).toBe(true);
    tf.dispose(ls.filter((l): l is tf.Tensor => l instanceof tf.Tensor));
  });

  it('sorts keys whatever the insertion order, with JavaScript string order (uppercase before lowercase)', () => {
    const t = { b: 2, a: 1, B: 3, a10: 5, a2: 4 };
    expect(leaves(t)).toEqual([3, 1, 5, 4, 2]);
    expect(structure({ x: 1, y: 2 }).equals(structure({ y: 0, x: 0 }))).toBe(true);
  });

  it('treats null and undefined as empty subtrees and drops keys holding undefined', () => {
    const t = { a: null, b: [undefined, 1, null], c: undefined };
    const { leaves: ls, treedef } = flatten(t);
    expect(ls).toEqual([1]);
    expect(treedef.toString()).toBe('TreeDef({a: null, b: [undefined, *, null]})');
    expect(unflatten(treedef, [7])).toEqual({ a: null, b: [undefined, 7, null] });
    expect(treedef.equals(structure({ a: undefined, b: [null, 0, undefined] }))).toBe(false); // a: undefined is absent
    expect(treedef.equals(structure({ a: null, b: [null, 0, undefined] }))).toBe(true);
    expect(flatten(null).treedef.toString()).toBe('TreeDef(null)');
    expect(flatten([]).leaves).toEqual([]);
  });

  it('treats a single tensor or number as a one-leaf tree', () => {
    const x = tf.scalar(1);
    const { leaves: ls, treedef } = flatten(x);
    expect(ls).toEqual([x]);
    expect(treedef.toString()).toBe('TreeDef(*)');
    expect(unflatten(treedef, [3])).toBe(3);
    x.dispose();
  });

  it('distinguishes structures: keys, array lengths, leaf versus subtree', () => {
    const s = (t: Tree): TreeDef => structure(t);
    expect(s({ a: 1 }).equals(s({ b: 1 }))).toBe(false);
    expect(s([1, 2]).equals(s([1, 2, 3]))).toBe(false);
    expect(s([1, 2]).equals(s({ 0: 1, 1: 2 }))).toBe(false);
    expect(s({ a: 1 }).equals(s({ a: [1] }))).toBe(false);
    expect(s({ a: 1 }).equals(s({ a: null }))).toBe(false);
    expect(s({ a: [1, { b: 2 }] }).equals(s({ a: [0, { b: 5 }] }))).toBe(true);
  });

  it('quotes keys that are not identifiers in printed structures', () => {
    expect(structure({ 'a-b': 1, ok: 2 }).toString()).toBe('TreeDef({"a-b": *, ok: *})');
  });

  it('checks the leaf count in unflatten, naming both counts', () => {
    const { treedef } = flatten({ a: 1, b: [2, 3] });
    expect(() => unflatten(treedef, [1, 2])).toThrow(/has 3 leaves but 2 were given/);
    expect(() => unflatten(treedef, [1, 2, 3, 4])).toThrow(/has 3 leaves but 4 were given/);
    expect(() => unflatten({ numLeaves: 0 } as unknown as TreeDef, [])).toThrow(/'treedef' must come from flatten/);
  });

  it('rejects values that are not trees, naming their path', () => {
    expect(() => flatten({ layers: [{ w: 'oops' }] } as never)).toThrow(/unsupported value at layers\[0\]\.w: a string/);
    expect(() => flatten({ a: new Float32Array(2) } as never)).toThrow(/at a: a Float32Array \(wrap it with tf\.tensor\)/);
    expect(() => flatten({ a: new Map() } as never)).toThrow(/at a: an instance of Map/);
    expect(() => flatten({ a: true } as never)).toThrow(/at a: a boolean/);
    expect(() => flatten('x' as never)).toThrow(/at <root>/);
    expect(() => leaves({ 'my key': [1, () => 0] } as never)).toThrow(/^leaves: unsupported value at \["my key"\]\[1\]: a function/);
  });

  it('rejects cycles instead of recursing forever, but accepts shared subtrees', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    expect(() => flatten(a)).toThrow(/cycle at self/);
    const shared = { w: 1 };
    expect(leaves({ p: shared, q: shared })).toEqual([1, 1]);
  });

  it('leaks nothing', async () => {
    const p = params();
    await expectNoLeaks(() => {
      const { leaves: ls, treedef } = flatten(p);
      unflatten(treedef, ls);
      leaves(p);
      structure(p);
    });
    tf.dispose([p.w, p.a, p.layers[0]!.w, p.layers[0]!.b!, p.layers[1]!.w]);
  });
});
