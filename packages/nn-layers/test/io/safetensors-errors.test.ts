import * as tf from '@tensorflow/tfjs-core';
import { tree } from '@probdl/tensor-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paramsFromSafetensors, paramsToSafetensors } from '../../src/io/index.js';
import { buildFile, leBytes, parseHeader, withHeaderText } from './safetensors-bytes.js';

const f32 = (name: string, shape: number[]) => ({
  name,
  dtype: 'F32',
  shape,
  bytes: leBytes('f32', Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i)),
});

describe('paramsFromSafetensors errors', () => {
  let like: { Dense_0: { kernel: tf.Tensor; bias: tf.Tensor }; Dense_1: { kernel: tf.Tensor } };
  let good: Uint8Array;
  let start: number;
  beforeAll(async () => {
    like = { Dense_0: { kernel: tf.zeros([14, 128]), bias: tf.zeros([128]) }, Dense_1: { kernel: tf.zeros([128, 1]) } };
    good = await paramsToSafetensors(like);
    start = tf.memory().numTensors;
  });
  afterAll(() => {
    // No failed load left a tensor behind.
    expect(tf.memory().numTensors).toBe(start);
    tree.dispose(like);
  });

  it('names the tensor, the file shape and the expected shape on a shape mismatch', () => {
    const bytes = buildFile([f32('Dense_0.kernel', [14, 64]), f32('Dense_0.bias', [128]), f32('Dense_1.kernel', [128, 1])]);
    expect(() => paramsFromSafetensors(bytes, { like })).toThrow('Dense_0.kernel: file has shape [14, 64], expected [14, 128]');
  });

  it('names missing and extra tensors', () => {
    const missing = buildFile([f32('Dense_0.kernel', [14, 128]), f32('Dense_0.bias', [128])]);
    expect(() => paramsFromSafetensors(missing, { like })).toThrow('Dense_1.kernel: missing from the file (expected shape [128, 1])');
    const extra = buildFile([f32('Dense_0.kernel', [14, 128]), f32('Dense_0.bias', [128]), f32('Dense_1.kernel', [128, 1]), f32('Dense_1.bias', [1])]);
    expect(() => paramsFromSafetensors(extra, { like })).toThrow("Dense_1.bias: in the file but not in 'like' (shape [1])");
  });

  it('refuses a dtype that does not fit the like leaf', () => {
    const intLike = { n: tf.zeros([2], 'int32') };
    const bytes = buildFile([f32('n', [2])]);
    expect(() => paramsFromSafetensors(bytes, { like: intLike })).toThrow('n: file has dtype F32, expected int32');
    tf.dispose(intLike.n);
  });

  it('rejects truncated files at every stage', () => {
    expect(() => paramsFromSafetensors(good.subarray(0, 5))).toThrow(/fewer than the 8-byte header length prefix/);
    const { n } = parseHeader(good);
    expect(() => paramsFromSafetensors(good.subarray(0, 8 + n - 3))).toThrow(/header length prefix says \d+ bytes but only \d+ follow/);
    expect(() => paramsFromSafetensors(good.subarray(0, good.length - 1))).toThrow(/out of range|end at byte/);
    expect(() => paramsFromSafetensors(good.subarray(0, 8 + n))).toThrow(/out of range/);
  });

  it('rejects trailing bytes, a huge length prefix, bad JSON and invalid UTF-8', () => {
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    expect(() => paramsFromSafetensors(longer)).toThrow(/end at byte \d+ of a \d+-byte data buffer/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 62n, true);
    expect(() => paramsFromSafetensors(huge)).toThrow(/100 MB limit/);
    expect(() => paramsFromSafetensors(withHeaderText('{"a": {"dtype": "F32", ', new Uint8Array(0)))).toThrow(/not valid UTF-8 JSON/);
    expect(() => paramsFromSafetensors(withHeaderText('[1, 2]  ', new Uint8Array(0)))).toThrow(/does not start with '\{'/);
    expect(() => paramsFromSafetensors(withHeaderText(new Uint8Array([0x7b, 0xff, 0x7d]), new Uint8Array(0)))).toThrow(/not valid UTF-8/);
  });

  it('validates every entry: offsets in range, contiguous, dtype known, byte length = shape x item size', () => {
    const data = leBytes('f32', [1, 2, 3, 4]);
    const one = (entry: unknown) => withHeaderText(JSON.stringify({ w: entry }), data);
    expect(() => paramsFromSafetensors(one({ dtype: 'F32', shape: [8], data_offsets: [0, 32] }))).toThrow(
      'tensor "w": data_offsets [0, 32] out of range (the data buffer has 16 bytes)',
    );
    expect(() => paramsFromSafetensors(one({ dtype: 'F32', shape: [3], data_offsets: [0, 16] }))).toThrow(
      'tensor "w": shape [3] of F32 needs 12 bytes but data_offsets [0, 16] hold 16',
    );
    expect(() => paramsFromSafetensors(one({ dtype: 'F33', shape: [4], data_offsets: [0, 16] }))).toThrow('tensor "w": unknown dtype "F33"');
    expect(() => paramsFromSafetensors(one({ dtype: 'F32', shape: [-4], data_offsets: [0, 16] }))).toThrow(/tensor "w": shape \[-4\] is not a list/);
    expect(() => paramsFromSafetensors(one({ dtype: 'F32', shape: [4], data_offsets: [16, 0] }))).toThrow(/out of range/);
    expect(() => paramsFromSafetensors(one({ dtype: 'F32', shape: [4] }))).toThrow(/data_offsets undefined is not \[begin, end\]/);
    const two = (a: [number, number], b: [number, number]) =>
      withHeaderText(JSON.stringify({ a: { dtype: 'F32', shape: [(a[1] - a[0]) / 4], data_offsets: a }, b: { dtype: 'F32', shape: [(b[1] - b[0]) / 4], data_offsets: b } }), data);
    expect(() => paramsFromSafetensors(two([0, 8], [4, 12]))).toThrow(/tensor "b" starts at byte 4 but the previous tensor ends at 8 \(an overlap\)/);
    expect(() => paramsFromSafetensors(two([0, 4], [8, 16]))).toThrow(/tensor "b" starts at byte 8 but the previous tensor ends at 4 \(a hole\)/);
    expect(() => paramsFromSafetensors(withHeaderText('{"__metadata__": {"a": 1}}', new Uint8Array(0)))).toThrow(/__metadata__.a is not a string/);
  });

  it('refuses unsupported dtypes and I64 values beyond int32, naming the tensor', () => {
    const u8 = buildFile([{ name: 'enc.q', dtype: 'U8', shape: [2], bytes: leBytes('u8', [1, 2]) }]);
    expect(() => paramsFromSafetensors(u8)).toThrow(/enc\.q: dtype U8 is not supported \(supported: F32, F64, F16, BF16, I32, I64, BOOL\)/);
    const big = buildFile([{ name: 'steps', dtype: 'I64', shape: [2], bytes: leBytes('i64', [1, 2 ** 31]) }]);
    expect(() => paramsFromSafetensors(big)).toThrow('steps: I64 value 2147483648 at flat index 1 does not fit in int32');
  });

  it('refuses flat names that collide as a tree, and malformed probdl metadata', () => {
    const clash = buildFile([f32('a', [1]), f32('a.b', [1])]);
    expect(() => paramsFromSafetensors(clash)).toThrow(/tensor "a.b" sits inside tensor "a"/);
    const badMeta = buildFile([f32('a', [1])], { metadata: { 'probdl.treedef': '{"o": {"a": "zz"}}' } });
    expect(() => paramsFromSafetensors(badMeta)).toThrow('zz: named in the probdl.treedef metadata but missing from the file');
    const extraMeta = buildFile([f32('a', [1]), f32('b', [1])], { metadata: { 'probdl.treedef': '{"o": {"a": "a"}}' } });
    expect(() => paramsFromSafetensors(extraMeta)).toThrow('b: in the file but not in the probdl.treedef metadata');
    const notJson = buildFile([f32('a', [1])], { metadata: { 'probdl.treedef': '{' } });
    expect(() => paramsFromSafetensors(notJson)).toThrow(/metadata is not valid JSON/);
  });
});

describe('paramsToSafetensors errors', () => {
  it('refuses names that collide, reserved names and metadata, and unsupported dtypes', async () => {
    const a = tf.zeros([1]);
    await expect(paramsToSafetensors({ 'x.y': a, x: { y: a } })).rejects.toThrow(/both get the tensor name "x.y"/);
    await expect(paramsToSafetensors({ __metadata__: a })).rejects.toThrow(/__metadata__/);
    await expect(paramsToSafetensors({ a }, { metadata: { 'probdl.treedef': 'x' } })).rejects.toThrow(/reserved/);
    await expect(paramsToSafetensors({ a }, { metadata: { n: 1 as unknown as string } })).rejects.toThrow("metadata['n'] must be a string");
    const c = tf.complex([1], [2]);
    await expect(paramsToSafetensors({ layer: { c } })).rejects.toThrow('layer.c has dtype complex64');
    await expect(paramsToSafetensors({ s: 'text' })).rejects.toThrow(/unsupported value at s/);
    tf.dispose([a, c]);
  });
});

describe("paramsFromSafetensors against an unrelated 'like'", () => {
  it('lists at most 8 problems and counts the rest', async () => {
    const file = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`t${i}`, tf.zeros([1])]));
    const bytes = await paramsToSafetensors(file);
    const other = { u: tf.zeros([1]) };
    expect(() => paramsFromSafetensors(bytes, { like: other })).toThrow(/u: missing from the file .*; and 5 more$/);
    tree.dispose([file, other]);
  });
});
