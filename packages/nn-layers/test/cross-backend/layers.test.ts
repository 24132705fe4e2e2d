// Tiny layer checks on every backend (cpu, wasm, WebGPU): the kernels differ, the answers must not.
import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { batchNorm, conv2d, layerNorm, type BatchNormState } from '../../src/layers/index.js';
import { conv2dHost, featureStatsHost, hostNormal, layerNormHost, normaliseHost } from '../layers/host-reference.js';

const f32 = (a: Float64Array): Float64Array => Float64Array.from(Float32Array.from(a));
const t = (a: Float64Array, shape: number[]): tf.Tensor => tf.tensor(Float32Array.from(a), shape);

describe('layers across backends', () => {
  it('conv2d (SAME stride 2 and VALID dilation 2) matches a host direct convolution', async () => {
    const xv = f32(hostNormal(1, 2 * 5 * 5 * 2));
    const kv = f32(hostNormal(2, 3 * 3 * 2 * 3, 0.5));
    const bv = f32(hostNormal(3, 3));
    const x = t(xv, [2, 5, 5, 2]);
    const params = { kernel: t(kv, [3, 3, 2, 3]), bias: t(bv, [3]) };
    for (const [pad, s, d] of [['SAME', 2, 1], ['VALID', 1, 2]] as const) {
      const y = conv2d(3, 3, { padding: pad, strides: s, dilation: d }).apply(params, x);
      const want = conv2dHost(xv, [2, 5, 5, 2], kv, [3, 3, 2, 3], bv, [s, s], [d, d], pad);
      expect(y.shape).toEqual(want.shape);
      await expect(tf.reshape(y, [-1])).toBeCloseTensor(Array.from(want.values), { rtol: 1e-3, atol: 1e-4 });
      y.dispose();
    }
    tf.dispose([x, params.kernel, params.bias]);
  });

  it('layerNorm matches the host', async () => {
    const xv = f32(hostNormal(4, 3 * 6, 2, 1));
    const sv = f32(hostNormal(5, 6, 0.3, 1));
    const bv = f32(hostNormal(6, 6));
    const x = t(xv, [3, 6]);
    const params = { scale: t(sv, [6]), bias: t(bv, [6]) };
    const y = layerNorm().apply(params, x);
    await expect(tf.reshape(y, [-1])).toBeCloseTensor(Array.from(layerNormHost(xv, 6, sv, bv, 1e-6)), { rtol: 1e-3, atol: 1e-4 });
    tf.dispose([x, params.scale, params.bias, y]);
  });

  it('batchNorm training output, running stats and eval output match the host', async () => {
    const shape = [4, 2, 3];
    const xv = f32(hostNormal(7, 24, 1.5, 0.5));
    const x = t(xv, shape);
    const bn = batchNorm({ momentum: 0.8 });
    const params = bn.init(key(0), [2, 3]);
    const s0 = bn.initState!([2, 3]) as BatchNormState;
    const { output, state } = bn.applyWithState!(params, x, { state: s0, training: true });
    const { mean, variance } = featureStatsHost(xv, shape, -1);
    await expect(tf.reshape(output, [-1])).toBeCloseTensor(Array.from(normaliseHost(xv, shape, -1, mean, variance, null, null, 1e-5)), { rtol: 1e-3, atol: 1e-4 });
    const s1 = state as BatchNormState;
    const m1 = Array.from(mean, (m) => 0.2 * m);
    const v1 = Array.from(variance, (v) => 0.8 + 0.2 * v);
    await expect(s1.mean).toBeCloseTensor(m1, { rtol: 1e-4, atol: 1e-5 });
    await expect(s1.var).toBeCloseTensor(v1, { rtol: 1e-4, atol: 1e-5 });
    const { output: ev } = bn.applyWithState!(params, x, { state: s1 });
    await expect(tf.reshape(ev, [-1])).toBeCloseTensor(Array.from(normaliseHost(xv, shape, -1, Float64Array.from(m1), Float64Array.from(v1), null, null, 1e-5)), { rtol: 1e-3, atol: 1e-4 });
    tf.dispose([x, params.scale, params.bias, s0.mean, s0.var, output, s1.mean, s1.var, ev]);
  });
});
