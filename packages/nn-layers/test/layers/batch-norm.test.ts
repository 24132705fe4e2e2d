import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { batchNorm, type BatchNormState } from '../../src/layers/index.js';
import { expectGradientsMatchHost } from '../helpers/finite-difference.js';
import { featureStatsHost, hostNormal, normaliseHost, sizeOf, weightedSumHost } from './host-reference.js';

const f32 = (a: Float64Array): Float64Array => Float64Array.from(Float32Array.from(a));
const t = (a: Float64Array, shape: number[]): tf.Tensor => tf.tensor(Float32Array.from(a), shape);

describe('batchNorm', () => {
  it('inits params { scale, bias } and state { mean: zeros, var: ones } of [features]', async () => {
    const bn = batchNorm();
    const p = bn.init(key(0), [8, 8, 3]);
    const s = bn.initState!([8, 8, 3]) as BatchNormState;
    await expect(p.scale!).toBeCloseTensor([1, 1, 1]);
    await expect(p.bias!).toBeCloseTensor([0, 0, 0]);
    await expect(s.mean).toBeCloseTensor([0, 0, 0]);
    await expect(s.var).toBeCloseTensor([1, 1, 1]);
    expect(bn.outputShape([8, 8, 3])).toEqual([8, 8, 3]);
    const q = batchNorm({ axis: -3 }).init(key(0), [5, 2, 2]);
    expect(q.scale!.shape).toEqual([5]);
    tf.dispose([p.scale, p.bias, s.mean, s.var, q.scale, q.bias]);
  });

  it('training: normalises by the batch statistics over all leading axes and moves the running stats', async () => {
    // x [2, 3, 4, 5]: features 5, statistics over 2·3·4 = 24 rows (batch and "spatial" axes).
    const shape = [2, 3, 4, 5];
    const xv = f32(hostNormal(11, sizeOf(shape), 2, 0.7));
    const sv = f32(hostNormal(12, 5, 0.3, 1));
    const bv = f32(hostNormal(13, 5));
    const m0 = f32(hostNormal(14, 5));
    const v0 = f32(hostNormal(15, 5, 0.1, 1.5));
    const bn = batchNorm({ momentum: 0.9, epsilon: 1e-3 });
    const params = { scale: t(sv, [5]), bias: t(bv, [5]) };
    const state = { mean: t(m0, [5]), var: t(v0, [5]) };
    const x = t(xv, shape);
    const { output, state: next } = bn.applyWithState!(params, x, { state, training: true });
    const { mean, variance } = featureStatsHost(xv, shape, -1);
    expect(output.shape).toEqual(shape);
    await expect(tf.reshape(output, [-1])).toBeCloseTensor(Array.from(normaliseHost(xv, shape, -1, mean, variance, sv, bv, 1e-3)), { rtol: 1e-4, atol: 1e-5 });
    const ns = next as BatchNormState;
    await expect(ns.mean).toBeCloseTensor(Array.from(m0, (m, c) => 0.9 * m + 0.1 * mean[c]!), { rtol: 1e-5, atol: 1e-6 });
    await expect(ns.var).toBeCloseTensor(Array.from(v0, (v, c) => 0.9 * v + 0.1 * variance[c]!), { rtol: 1e-5, atol: 1e-6 });
    // apply in training mode needs no state and gives the same output.
    const y2 = bn.apply(params, x, { training: true });
    await expect(y2).toBeCloseTensor(await output.array(), { rtol: 1e-6, atol: 1e-6 });
    // The input state is untouched (the caller owns it).
    await expect(state.mean).toBeCloseTensor(Array.from(m0));
    tf.dispose([params.scale, params.bias, state.mean, state.var, x, output, ns.mean, ns.var, y2]);
  });

  it('evaluation: normalises by the running statistics and returns copies of them', async () => {
    const shape = [3, 2, 4];
    const xv = f32(hostNormal(21, sizeOf(shape), 1.5));
    const m0 = f32(hostNormal(22, 4));
    const v0 = f32(hostNormal(23, 4, 0.2, 2));
    const bn = batchNorm();
    const params = bn.init(key(0), [2, 4]);
    const state = { mean: t(m0, [4]), var: t(v0, [4]) };
    const x = t(xv, shape);
    const want = Array.from(normaliseHost(xv, shape, -1, m0, v0, null, null, 1e-5));
    const { output, state: next } = bn.applyWithState!(params, x, { state });
    await expect(tf.reshape(output, [-1])).toBeCloseTensor(want, { rtol: 1e-5, atol: 1e-5 });
    const ns = next as BatchNormState;
    expect(ns.mean).not.toBe(state.mean);
    await expect(ns.mean).toBeCloseTensor(Array.from(m0), { rtol: 0, atol: 0 });
    await expect(ns.var).toBeCloseTensor(Array.from(v0), { rtol: 0, atol: 0 });
    // apply reads options.state in evaluation mode.
    const y = bn.apply(params, x, { state });
    await expect(tf.reshape(y, [-1])).toBeCloseTensor(want, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([params.scale, params.bias, state.mean, state.var, x, output, ns.mean, ns.var, y]);
  });

  it('normalises along a non-last feature axis (axis -2)', async () => {
    const shape = [4, 3, 2];
    const xv = f32(hostNormal(31, sizeOf(shape), 2, 1));
    const bn = batchNorm({ axis: -2 });
    const params = bn.init(key(0), [3, 2]);
    const x = t(xv, shape);
    const y = bn.apply(params, x, { training: true });
    const { mean, variance } = featureStatsHost(xv, shape, -2);
    await expect(tf.reshape(y, [-1])).toBeCloseTensor(Array.from(normaliseHost(xv, shape, -2, mean, variance, null, null, 1e-5)), { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([params.scale, params.bias, x, y]);
  });

  it('has training-mode gradients matching finite differences in x, scale and bias', async () => {
    const shape = [2, 3, 4];
    const xv = hostNormal(41, sizeOf(shape), 1.3, 0.2);
    const sv = hostNormal(42, 4, 0.3, 1);
    const bv = hostNormal(43, 4);
    const wv = f32(hostNormal(44, sizeOf(shape)));
    const w = t(wv, shape);
    const bn = batchNorm({ epsilon: 1e-3 });
    await expectGradientsMatchHost(
      (x, scale, bias) => tf.sum(tf.mul(bn.apply({ scale: scale!, bias: bias! }, x!, { training: true }), w)) as tf.Scalar,
      ([x, s, b]) => {
        const { mean, variance } = featureStatsHost(x!, shape, -1);
        return weightedSumHost(normaliseHost(x!, shape, -1, mean, variance, s!, b!, 1e-3), wv);
      },
      [
        { values: xv, shape },
        { values: sv, shape: [4] },
        { values: bv, shape: [4] },
      ],
    );
    w.dispose();
  });

  it('gives clear errors', () => {
    const bn = batchNorm();
    const p = bn.init(key(0), [3]);
    const x = tf.ones([5, 3]);
    expect(() => bn.apply(p, x)).toThrow(/batchNorm\.apply: evaluation mode .* running statistics, which are missing: pass options\.state .* applyWithState/);
    const s = { mean: tf.zeros([4]), var: tf.ones([3]) };
    expect(() => bn.applyWithState!(p, x, { state: s })).toThrow(/options\.state\.mean has shape \[4\] but x has 3 features/);
    expect(() => bn.applyWithState!(p, x, { state: undefined as never })).toThrow(/options\.state must be the running statistics/);
    expect(() => bn.apply(p, tf.ones([5, 4]), { training: true })).toThrow(/params\.scale has shape \[3\] but x has 4 features/);
    expect(() => batchNorm({ axis: 1 })).toThrow(/axis must be a negative integer/);
    expect(() => batchNorm({ momentum: 1.5 })).toThrow(/momentum must be a number in \[0, 1\]/);
    expect(() => batchNorm({ axis: -3 }).init(key(0), [4, 4])).toThrow(/rank >= 3/);
    tf.dispose([p.scale, p.bias, x, s.mean, s.var]);
  });

  it('does not leak', async () => {
    const bn = batchNorm();
    const p = bn.init(key(0), [3]);
    const s = bn.initState!([3]) as BatchNormState;
    const x = tf.ones([2, 5, 3]);
    await expectNoLeaks(() => bn.init(key(0), [3]));
    await expectNoLeaks(() => bn.initState!([3]));
    await expectNoLeaks(() => bn.apply(p, x, { training: true }));
    await expectNoLeaks(() => bn.apply(p, x, { state: s }));
    await expectNoLeaks(() => bn.applyWithState!(p, x, { state: s, training: true }));
    await expectNoLeaks(() => bn.applyWithState!(p, x, { state: s }));
    tf.dispose([p.scale, p.bias, s.mean, s.var, x]);
  });
});
