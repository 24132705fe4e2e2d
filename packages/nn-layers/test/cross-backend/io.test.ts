import * as tf from '@tensorflow/tfjs-core';
import { tree } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { paramsFromSafetensors, paramsToSafetensors } from '../../src/io/index.js';

// Save reads tensors back asynchronously (the only readback WebGPU has); load uploads fresh ones.
// Upload and readback do no arithmetic, so bits survive on every backend (subnormals are tested on cpu).
describe('safetensors round trip on this backend', () => {
  it('is bit-exact and leak-free', async () => {
    const bits = new Uint32Array([0x80000000, 0x7f800000, 0xff800000, 0x3f800000, 0x7f7fffff, 0xc2f6e979]);
    const params = { dense: { kernel: tf.tensor(new Float32Array(bits.buffer), [2, 3]), bias: tf.tensor([1, 2], [2], 'int32') } };
    const start = tf.memory().numTensors;
    const back = paramsFromSafetensors(await paramsToSafetensors(params), { like: params });
    const k = await back.dense.kernel.data<'float32'>();
    expect(Array.from(new Uint32Array(k.buffer, k.byteOffset, k.length))).toEqual(Array.from(bits));
    expect(back.dense.bias.dtype).toBe('int32');
    expect(Array.from(await back.dense.bias.data())).toEqual([1, 2]);
    tree.dispose(back);
    expect(tf.memory().numTensors).toBe(start);
    tree.dispose(params);
  });
});
