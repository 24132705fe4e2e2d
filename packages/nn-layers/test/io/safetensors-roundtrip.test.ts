import * as tf from '@tensorflow/tfjs-core';
import { tree } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { paramsFromSafetensors, paramsToSafetensors } from '../../src/io/index.js';
import { parseHeader } from './safetensors-bytes.js';

/** float32 values from bit patterns. */
const fromBits = (bits: number[]): Float32Array => new Float32Array(new Uint32Array(bits).buffer);

// -0, smallest and largest subnormal, ±Infinity, largest finite, 1, smallest normal, a quiet NaN.
const SPECIAL = [0x80000000, 0x00000001, 0x007fffff, 0x807fffff, 0x7f800000, 0xff800000, 0x7f7fffff, 0x3f800000, 0x00800000, 0x7fc00000];

/** `n` arbitrary non-NaN float32 bit patterns from a fixed LCG (covers signs, exponents, subnormals). */
function arbitraryBits(n: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed >>> 0;
  while (out.length < n) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    if ((s & 0x7f800000) === 0x7f800000 && (s & 0x7fffff) !== 0) continue; // NaN: payload not promised
    out.push(s);
  }
  return out;
}

/** Every leaf of `b` has the bits of the same leaf of `a` (NaN: only NaN-ness), same shape and dtype. */
async function expectBitIdentical(a: unknown, b: unknown): Promise<void> {
  const la = tree.leaves(a as tree.Tree);
  const lb = tree.leaves(b as tree.Tree);
  expect(tree.structure(b as tree.Tree).toString()).toBe(tree.structure(a as tree.Tree).toString());
  expect(lb.length).toBe(la.length);
  for (let i = 0; i < la.length; i++) {
    const x = la[i]!;
    const y = lb[i]!;
    if (typeof x === 'number') {
      expect(typeof y).toBe('number');
      expect(Object.is(y, Math.fround(x))).toBe(true);
      continue;
    }
    if (typeof y === 'number') throw new Error(`leaf ${i}: expected a tensor`);
    expect(y.dtype).toBe(x.dtype);
    expect(y.shape).toEqual(x.shape);
    const dx = await x.data();
    const dy = await y.data();
    if (x.dtype === 'float32') {
      const bx = new Uint32Array(dx.buffer, dx.byteOffset, dx.length);
      const by = new Uint32Array(dy.buffer, dy.byteOffset, dy.length);
      for (let j = 0; j < bx.length; j++) {
        if (Number.isNaN(dx[j] as number)) expect(Number.isNaN(dy[j] as number)).toBe(true);
        else if (by[j] !== bx[j]) throw new Error(`leaf ${i}[${j}]: bits ${by[j]!.toString(16)} != ${bx[j]!.toString(16)}`);
      }
    } else {
      expect(Array.from(dy)).toEqual(Array.from(dx));
    }
  }
}

function makeTree() {
  return {
    Dense_0: { kernel: tf.tensor(fromBits([...SPECIAL, ...arbitraryBits(14 * 8 - SPECIAL.length, 1)]), [14, 8]), bias: tf.tensor(fromBits(arbitraryBits(8, 2)), [8]) },
    layers: [{ w: tf.tensor(fromBits(arbitraryBits(24, 3)), [2, 3, 4]) }, { counts: tf.tensor([-2147483648, -1, 0, 7, 2147483647], [5], 'int32') }, null],
    mask: tf.tensor([true, false, true], [3], 'bool'),
    Dropout_0: {},
    step: 3.25,
    big: 0.1, // not a float32: comes back as Math.fround(0.1)
    scalar: tf.scalar(-0),
    empty: tf.zeros([0, 3]),
    'odd key': tf.tensor([1.5], [1]),
  };
}

describe('paramsToSafetensors / paramsFromSafetensors round trip', () => {
  it('is bit-exact for a nested tree with arrays, numbers, int32, bool and special floats', async () => {
    const params = makeTree();
    const bytes = await paramsToSafetensors(params);
    const back = paramsFromSafetensors(bytes);
    await expectBitIdentical(params, back);
    const withLike = paramsFromSafetensors(bytes, { like: params });
    await expectBitIdentical(params, withLike);
    tree.dispose([params, back, withLike]);
  });

  it('rebuilds a bare tensor and an empty tree', async () => {
    const t = tf.tensor([1, -0, 3], [3]);
    const back = paramsFromSafetensors(await paramsToSafetensors(t)) as tf.Tensor;
    await expectBitIdentical(t, back);
    expect(paramsFromSafetensors(await paramsToSafetensors({}))).toEqual({});
    tf.dispose([t, back]);
  });

  it('writes the spec layout: u64 length prefix, 8-aligned header, contiguous aligned offsets, raw LE data', async () => {
    const params = makeTree();
    const bytes = await paramsToSafetensors(params, { metadata: { model: 'test', 'ünïcode': '✓' } });
    const { n, text, header, dataStart } = parseHeader(bytes);
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true)).toBe(0); // high half of the u64
    expect(n % 8).toBe(0);
    expect(text.trimEnd().endsWith('}')).toBe(true);
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true); // padding is spaces only
    const meta = header.__metadata__ as Record<string, string>;
    expect(meta.model).toBe('test');
    expect(meta['ünïcode']).toBe('✓');
    const entries = Object.entries(header)
      .filter(([k]) => k !== '__metadata__')
      .map(([name, v]) => ({ name, ...(v as { dtype: string; shape: number[]; data_offsets: [number, number] }) }));
    expect(entries.map((e) => e.name).sort()).toEqual(
      ['Dense_0.bias', 'Dense_0.kernel', 'big', 'empty', 'layers.0.w', 'layers.1.counts', 'mask', 'odd key', 'scalar', 'step'].sort(),
    );
    const itemSize: Record<string, number> = { F32: 4, I32: 4, BOOL: 1 };
    let end = 0;
    for (const e of [...entries].sort((a, b) => a.data_offsets[0] - b.data_offsets[0])) {
      expect(e.data_offsets[0]).toBe(end);
      expect(e.data_offsets[0] % itemSize[e.dtype]!).toBe(0);
      expect(e.data_offsets[1] - e.data_offsets[0]).toBe(e.shape.reduce((a, b) => a * b, 1) * itemSize[e.dtype]!);
      end = e.data_offsets[1];
    }
    expect(bytes.length).toBe(dataStart + end);
    const kernel = entries.find((e) => e.name === 'Dense_0.kernel')!;
    expect(kernel).toMatchObject({ dtype: 'F32', shape: [14, 8] });
    const dv = new DataView(bytes.buffer, bytes.byteOffset + dataStart + kernel.data_offsets[0]);
    SPECIAL.forEach((bits, i) => expect(dv.getUint32(4 * i, true)).toBe(bits));
    expect(entries.find((e) => e.name === 'layers.1.counts')).toMatchObject({ dtype: 'I32', shape: [5] });
    const mask = entries.find((e) => e.name === 'mask')!;
    expect(mask).toMatchObject({ dtype: 'BOOL', shape: [3] });
    expect(Array.from(bytes.subarray(dataStart + mask.data_offsets[0], dataStart + mask.data_offsets[1]))).toEqual([1, 0, 1]);
    expect(entries.find((e) => e.name === 'step')).toMatchObject({ dtype: 'F32', shape: [] });
    tree.dispose(params);
  });

  it('loads without leaking and saves without making tensors; never disposes its inputs', async () => {
    const params = makeTree();
    const start = tf.memory().numTensors;
    const bytes = await paramsToSafetensors(params);
    expect(tf.memory().numTensors).toBe(start);
    const back = paramsFromSafetensors(bytes, { like: params });
    expect(tf.memory().numTensors).toBe(start + tree.leaves(params).filter((l) => typeof l !== 'number').length);
    tree.dispose(back);
    const again = paramsFromSafetensors(bytes);
    tree.dispose(again);
    expect(tf.memory().numTensors).toBe(start);
    expect(() => paramsFromSafetensors(bytes.subarray(0, bytes.length - 1))).toThrow();
    expect(() => paramsFromSafetensors(bytes, { like: { ...params, extra: tf.zeros([1]) } })).toThrow();
    expect(tf.memory().numTensors).toBe(start + 1); // only the 'extra' made by the test
    tree.dispose(params);
  });
});
