import * as tf from '@tensorflow/tfjs-core';
import { key, random, split, tree, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { denseOp } from '../../src/dense/dense-op.js';
import { mixtureNormalNll } from '../../src/fused/mixture-normal-nll.js';
import { mixtureNormal } from '../../src/heads/index.js';
import { negativeLogLikelihood } from '../../src/losses/index.js';

// The fused ops' backend-specific paths (wasm: explicit transposes, tanh through sigmoid, the
// mixture's selection products) against the unfused reference on this backend. Tiny tensors:
// this file also runs on software WebGPU.
describe('fused ops on this backend', () => {
  for (const act of ['relu', 'tanh', 'elu', 'sigmoid', 'leakyRelu', 'linear'] as const) {
    it(`denseOp(${act}) fused agrees with unfused in value and gradient`, async () => {
      const [k1, k2, k3, k4] = split(key(21), 4);
      const p = { x: random.normal(k1!, [2, 3, 5]), kernel: random.normal(k2!, [5, 4]), bias: random.normal(k3!, [4]) };
      const r = random.normal(k4!, [2, 3, 4]);
      const run = (fused: boolean) => valueAndGrad((q: typeof p) => tf.sum(tf.mul(denseOp(q.x, q.kernel, q.bias, act, { fused }), r)))(p);
      const [vf, gf] = run(true);
      const [vu, gu] = run(false);
      await expect(vf).toBeCloseTensor(vu, { rtol: 1e-4, atol: 1e-5 });
      await expect(gf).toBeCloseTree(gu, { rtol: 1e-4, atol: 1e-5 });
      tree.dispose([p, r, vf, gf, vu, gu]);
    });
  }

  it('denseOp without a bias: fused agrees with unfused in value and gradient', async () => {
    const [k1, k2, k3] = split(key(23), 3);
    const p = { x: random.normal(k1!, [7, 6]), kernel: random.normal(k2!, [6, 9]) };
    const r = random.normal(k3!, [7, 9]);
    const run = (fused: boolean) => valueAndGrad((q: typeof p) => tf.sum(tf.mul(denseOp(q.x, q.kernel, undefined, 'relu', { fused }), r)))(p);
    const [vf, gf] = run(true);
    const [vu, gu] = run(false);
    await expect(vf).toBeCloseTensor(vu, { rtol: 1e-4, atol: 1e-5 });
    await expect(gf).toBeCloseTree(gu, { rtol: 1e-4, atol: 1e-5 });
    tree.dispose([p, r, vf, gf, vu, gu]);
  });

  it('mixtureNormalNll agrees with the head + negativeLogLikelihood in value and gradient', async () => {
    const k = 3;
    const [k1, k2] = split(key(22), 2);
    const features = random.normal(k1!, [5, 3 * k]);
    const y = random.normal(k2!, [5, 1]);
    const head = mixtureNormal(k, [1]);
    const [vf, gf] = valueAndGrad((f: tf.Tensor) => mixtureNormalNll(f, y, { numComponents: k }) as tf.Scalar)(features);
    const [vh, gh] = valueAndGrad((f: tf.Tensor) => {
      const d = head.apply(f, { validateArgs: false });
      const l = negativeLogLikelihood(d, y);
      d.dispose();
      return l;
    })(features);
    await expect(vf).toBeCloseTensor(vh, { rtol: 1e-4, atol: 1e-5 });
    await expect(gf).toBeCloseTensor(gh, { rtol: 1e-3, atol: 1e-5 });
    tree.dispose([features, y, vf, gf, vh, gh]);
  });
});
