import * as tf from '@tensorflow/tfjs-core';
import { hasKernel, key, random, split, tree, valueAndGrad } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { mixtureNormalNll } from '../../src/fused/mixture-normal-nll.js';

// The host-kernel path of mixtureNormalNll (cpu, wasm) against the tfjs-op path it replaces
// (`fusedKernel: false`), in value and gradient, including extreme logits and raw scales.
// On WebGPU both runs take the op path.

type Reduction = 'mean' | 'sum' | 'none';

function both(features: tf.Tensor, y: tf.Tensor, k: number, reduction: Reduction, weights?: tf.Tensor) {
  const run = (fusedKernel: boolean) =>
    valueAndGrad(([f, yy]: [tf.Tensor, tf.Tensor]) => {
      const l = mixtureNormalNll(f, yy, { numComponents: k, reduction, fusedKernel });
      return (reduction === 'none' ? tf.sum(tf.mul(l, weights!)) : l) as tf.Scalar;
    })([features, y]);
  const values = (fusedKernel: boolean) => mixtureNormalNll(features, y, { numComponents: k, reduction, fusedKernel });
  return { kernel: run(true), ops: run(false), kernelValues: values(true), opsValues: values(false) };
}

async function expectAgree(features: tf.Tensor, y: tf.Tensor, k: number, reduction: Reduction, tol: { rtol: number; atol: number }) {
  const n = features.shape[0]!;
  const weights = random.uniform(key(9), [n]);
  const r = both(features, y, k, reduction, weights);
  await expect(r.kernelValues).toBeCloseTensor(r.opsValues, tol);
  await expect(r.kernel[0]).toBeCloseTensor(r.ops[0], tol);
  await expect(r.kernel[1]).toBeCloseTree(r.ops[1], tol);
  tree.dispose([r, weights]);
}

describe('mixtureNormalNll host kernel on this backend', () => {
  it('is used on cpu and wasm', () => {
    const f = tf.zeros([2, 6]);
    const y = tf.zeros([2, 1]);
    tf.dispose(mixtureNormalNll(f, y, { numComponents: 2 }));
    expect(hasKernel('ProbdlMixtureNormalNll')).toBe(['cpu', 'wasm'].includes(tf.getBackend()));
    tf.dispose([f, y]);
  });

  for (const reduction of ['mean', 'sum', 'none'] as const) {
    it(`agrees with the tfjs-op path in value and gradient (${reduction}, K = 16, batch 64)`, async () => {
      const k = 16;
      const [k1, k2] = split(key(31), 2);
      const features = tf.mul(random.normal(k1!, [64, 3 * k]), 2);
      const y = random.normal(k2!, [64, 1]);
      await expectAgree(features, y, k, reduction, { rtol: 1e-4, atol: 1e-5 });
      tf.dispose([features, y]);
    });
  }

  it('agrees on extreme logits and raw scales (±60), where naive softplus/softmax overflow', async () => {
    const k = 3;
    // Rows: huge logit spread; tiny scales (raw −60 → scale ≈ 1e-3); huge raw scales; mixed.
    const rows = [
      [60, -60, 0, 0.1, -0.2, 0.3, 0.5, -0.5, 1],
      [0, 1, 2, 0.0, 0.001, -0.001, -60, -60, -60],
      [-5, 5, 0, 3, -3, 0, 60, 30, -30],
      [40, 40, -40, 0.2, 0.25, 10, -20, 0, 20],
    ];
    const features = tf.tensor2d(rows);
    const y = tf.tensor2d([[0.05], [0.0005], [1], [0.2]]);
    // The op path rounds every intermediate to float32 (scales near 1e-3 square to large z²), so
    // the comparison is relative.
    await expectAgree(features, y, k, 'mean', { rtol: 2e-4, atol: 1e-4 });
    const r = both(features, y, k, 'none', tf.ones([4]));
    for (const t of [r.kernelValues, r.kernel[1][0]]) expect((await t.data()).every(Number.isFinite)).toBe(true);
    tree.dispose(r);
    tf.dispose([features, y]);
  });

  it('no leaks, with and without a gradient', async () => {
    const [k1, k2] = split(key(32), 2);
    const features = random.normal(k1!, [5, 12]);
    const y = random.normal(k2!, [5]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      await expectNoLeaks(() => mixtureNormalNll(features, y, { numComponents: 4, reduction }));
      await expectNoLeaks(() =>
        valueAndGrad(([f, yy]: [tf.Tensor, tf.Tensor]) => tf.sum(mixtureNormalNll(f, yy, { numComponents: 4, reduction })) as tf.Scalar)([features, y]),
      );
    }
    const start = tf.memory().numTensors;
    tree.dispose(valueAndGrad((f: tf.Tensor) => mixtureNormalNll(f, y, { numComponents: 4 }) as tf.Scalar)(features));
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([features, y]);
  });

  it('rejects a non-boolean fusedKernel, naming it', () => {
    const f = tf.zeros([1, 3]);
    const y = tf.zeros([1, 1]);
    expect(() => mixtureNormalNll(f, y, { numComponents: 1, fusedKernel: 'yes' as never })).toThrow(/option 'fusedKernel' must be a boolean, got yes/);
    tf.dispose([f, y]);
  });
});
