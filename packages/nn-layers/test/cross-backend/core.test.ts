import * as tf from '@tensorflow/tfjs-core';
import { key, random, split, tree } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { dense } from '../../src/dense/index.js';
import { lecunNormal, orthogonal } from '../../src/initializers/index.js';
import { countParams, mlp, residual, sequential } from '../../src/layers/index.js';

// Small on purpose: this file also runs on wasm and on software WebGPU.
describe('core layers on this backend', () => {
  for (const act of ['identity', 'relu', 'tanh', 'softplus', 'softmax'] as const) {
    it(`dense(${act}): fused and unfused agree in value and gradient`, async () => {
      const [k1, k2, k3] = split(key(1), 3);
      const params = dense(3, { activation: act }).init(k1!, [4]);
      const x = random.normal(k2!, [2, 3, 4]);
      const w = random.normal(k3!, [2, 3, 3]);
      const run = (fused: boolean): tf.Tensor[] => {
        const layer = dense(3, { activation: act, fused });
        const y = layer.apply(params, x);
        const g = tf.grads((a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layer.apply({ kernel: k, bias: b }, a), w)))([x, params.kernel, params.bias!]);
        return [y, ...g];
      };
      const f = run(true);
      const u = run(false);
      expect(f[0]!.shape).toEqual([2, 3, 3]);
      for (let i = 0; i < 4; i++) await expect(f[i]).toBeCloseTensor(u[i], { rtol: 1e-4, atol: 1e-5 });
      tree.dispose([params, x, w, f, u]);
    });
  }
  it('mlp, sequential and residual shapes with leading batch dims', async () => {
    const m = sequential([mlp([8, 4], { activation: 'tanh' }), residual(dense(4, { activation: 'relu' })), dense(2)]);
    const p = m.init(key(0), [3]);
    expect(countParams(p)).toBe(3 * 8 + 8 + 8 * 4 + 4 + 4 * 4 + 4 + 4 * 2 + 2);
    const x = tf.ones([2, 5, 3]);
    const y = m.apply(p, x);
    expect(y.shape).toEqual([2, 5, 2]);
    const v = await y.data();
    expect(v.every(Number.isFinite)).toBe(true);
    tree.dispose([p, x, y]);
  });
  it('initialisers give the same values on every backend (host draws)', async () => {
    const a = lecunNormal()(key(3), [4, 3]);
    const o = orthogonal()(key(3), [4, 3]);
    const gram = tf.matMul(o, o, true, false);
    const eye = tf.eye(3);
    await expect(gram).toBeCloseTensor(eye, { rtol: 1e-5, atol: 1e-5 });
    expect((await a.data()).every((v) => Math.abs(v) <= 2 / 0.87962566103423978 / 2 + 1e-6)).toBe(true);
    tree.dispose([a, o, gram, eye]);
  });
});
