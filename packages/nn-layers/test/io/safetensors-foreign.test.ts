import * as tf from '@tensorflow/tfjs-core';
import { tree } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { paramsFromSafetensors, paramsToSafetensors } from '../../src/io/index.js';
import { buildFile, leBytes, parseHeader } from './safetensors-bytes.js';

// Files as another tool (PyTorch's safetensors, a Rust writer) writes them, built byte by byte here.

const values = async (t: unknown): Promise<number[]> => Array.from(await (t as tf.Tensor).data());

describe('paramsFromSafetensors on files written by other tools', () => {
  it('reads a PyTorch-style state dict (no probdl metadata) as nested objects, in any header order', async () => {
    const bytes = buildFile(
      [
        { name: 'fc1.weight', dtype: 'F32', shape: [2, 3], bytes: leBytes('f32', [1, 2, 3, 4, 5, 6]) },
        { name: 'fc1.bias', dtype: 'F32', shape: [2], bytes: leBytes('f32', [-1, 0.5]) },
        { name: '0.weight', dtype: 'I32', shape: [1, 1], bytes: leBytes('i32', [-9]) },
        { name: 'bn.num_batches_tracked', dtype: 'I64', shape: [], bytes: leBytes('i64', [12]) },
      ],
      { metadata: { format: 'pt' }, headerOrder: ['bn.num_batches_tracked', 'fc1.bias', '0.weight', 'fc1.weight'], pad: 1 },
    );
    const start = tf.memory().numTensors;
    const p = paramsFromSafetensors(bytes) as Record<string, Record<string, tf.Tensor>>;
    expect(Object.keys(p).sort()).toEqual(['0', 'bn', 'fc1']);
    expect(p.fc1!.weight!.shape).toEqual([2, 3]);
    expect(await values(p.fc1!.weight)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await values(p.fc1!.bias)).toEqual([-1, 0.5]);
    expect(p['0']!.weight!.dtype).toBe('int32');
    expect(await values(p['0']!.weight)).toEqual([-9]);
    expect(p.bn!.num_batches_tracked!.dtype).toBe('int32');
    expect(p.bn!.num_batches_tracked!.shape).toEqual([]);
    expect(await values(p.bn!.num_batches_tracked)).toEqual([12]);
    tree.dispose(p);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('converts F64 (rounded to float32), F16 and BF16 (exact) to float32, I64 to int32, BOOL to bool', async () => {
    const f64 = [0.1, 1e300, -1e-50, 2.5, -3];
    // Half bit patterns and their values worked out by hand from the IEEE binary16 definition.
    const f16 = [0x3c00, 0xc000, 0x0001, 0x03ff, 0x7c00, 0x8000, 0x7bff, 0x3555];
    const f16Want = [1, -2, 2 ** -24, 1023 * 2 ** -24, Infinity, -0, 65504, 1365 / 4096];
    // bfloat16 is the top half of a float32: 0x3f80 -> 1, 0xc040 -> -3, 0x4049 -> 3.140625, 0x0001 -> 2^-133.
    const bf16 = [0x3f80, 0xc040, 0x4049, 0x0001, 0xff80];
    const bf16Want = [1, -3, 3.140625, 2 ** -133, -Infinity];
    const bytes = buildFile([
      { name: 'a', dtype: 'F64', shape: [5], bytes: leBytes('f64', f64) },
      { name: 'h', dtype: 'F16', shape: [2, 4], bytes: leBytes('u16', f16) },
      { name: 'b', dtype: 'BF16', shape: [5], bytes: leBytes('u16', bf16) },
      { name: 'i', dtype: 'I64', shape: [4], bytes: leBytes('i64', [5, -7, 2147483647, -2147483648]) },
      { name: 'm', dtype: 'BOOL', shape: [3], bytes: leBytes('u8', [0, 1, 2]) },
    ]);
    const p = paramsFromSafetensors(bytes) as Record<string, tf.Tensor>;
    expect(p.a!.dtype).toBe('float32');
    (await values(p.a)).forEach((v, i) => expect(Object.is(v, Math.fround(f64[i]!))).toBe(true));
    expect(p.h!.shape).toEqual([2, 4]);
    (await values(p.h)).forEach((v, i) => expect(Object.is(v, f16Want[i])).toBe(true));
    (await values(p.b)).forEach((v, i) => expect(Object.is(v, bf16Want[i])).toBe(true));
    expect(p.i!.dtype).toBe('int32');
    expect(await values(p.i)).toEqual([5, -7, 2147483647, -2147483648]);
    expect(p.m!.dtype).toBe('bool');
    expect(await values(p.m)).toEqual([0, 1, 1]);
    tree.dispose(p);
  });

  it("loads a foreign file into a 'like' tree, converting F64 into a float32 leaf", async () => {
    const like = { Dense_0: { kernel: tf.zeros([1, 2]), bias: tf.zeros([2]) } };
    const bytes = buildFile([
      { name: 'Dense_0.bias', dtype: 'F64', shape: [2], bytes: leBytes('f64', [0.25, -0.5]) },
      { name: 'Dense_0.kernel', dtype: 'F32', shape: [1, 2], bytes: leBytes('f32', [3, 4]) },
    ]);
    const p = paramsFromSafetensors(bytes, { like });
    expect(await values(p.Dense_0.bias)).toEqual([0.25, -0.5]);
    expect(await values(p.Dense_0.kernel)).toEqual([3, 4]);
    tree.dispose([p, like]);
  });

  it('our files carry the tree in __metadata__ while other tools see plain dotted names', async () => {
    const params = { layers: [{ w: tf.ones([2]) }, { w: tf.zeros([1]) }] };
    const bytes = await paramsToSafetensors(params);
    const { header } = parseHeader(bytes);
    expect(Object.keys(header).sort()).toEqual(['__metadata__', 'layers.0.w', 'layers.1.w']);
    const meta = header.__metadata__ as Record<string, string>;
    expect(typeof meta['probdl.treedef']).toBe('string');
    // Without our metadata (as a tool that drops it would leave it), arrays come back as objects keyed '0', '1'.
    const stripped = buildFile([
      { name: 'layers.0.w', dtype: 'F32', shape: [2], bytes: leBytes('f32', [1, 1]) },
      { name: 'layers.1.w', dtype: 'F32', shape: [1], bytes: leBytes('f32', [0]) },
    ]);
    const flat = paramsFromSafetensors(stripped) as { layers: Record<string, { w: tf.Tensor }> };
    expect(Object.keys(flat.layers)).toEqual(['0', '1']);
    const exact = paramsFromSafetensors(bytes) as typeof params;
    expect(Array.isArray(exact.layers)).toBe(true);
    tree.dispose([params, flat, exact]);
  });
});
