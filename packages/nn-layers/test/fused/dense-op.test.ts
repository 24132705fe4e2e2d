import * as tf from '@tensorflow/tfjs-core';
import { hessian, key, random, split, tree, valueAndGrad } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { denseOp, unfusedDense } from '../../src/dense/dense-op.js';
import type { Activation } from '../../src/core/activations.js';
import { expectGradientsMatchHost } from '../helpers/finite-difference.js';

// The fused Dense (hand-written gradient) against the unfused tfjs ops and against finite
// differences of a float64 host Dense. Tiny shapes: a few seconds on cpu.

const ACTIVATIONS: Activation[] = ['linear', 'identity', 'relu', 'elu', 'sigmoid', 'tanh', 'leakyRelu', 'gelu', 'softplus', (z) => tf.square(z)];
const label = (a: Activation) => (typeof a === 'function' ? 'a function' : a);

type P = { x: tf.Tensor; kernel: tf.Tensor; bias?: tf.Tensor };

function inputs(seed: number, lead: number[], inDim: number, outDim: number, withBias: boolean): { p: P; r: tf.Tensor } {
  const [k1, k2, k3, k4] = split(key(seed), 4);
  const p: P = { x: random.normal(k1!, [...lead, inDim]), kernel: tf.mul(random.normal(k2!, [inDim, outDim]), 0.7) };
  if (withBias) p.bias = random.normal(k3!, [outDim]);
  return { p, r: random.normal(k4!, [...lead, outDim]) };
}

/** value and gradient (w.r.t. x, kernel, bias) of Σ r ⊙ dense(x). */
function valueAndGrads(p: P, r: tf.Tensor, act: Activation, fused: boolean): [tf.Tensor, P] {
  const y = denseOp(p.x, p.kernel, p.bias, act, { fused });
  const [v, g] = valueAndGrad((q: P) => tf.sum(tf.mul(denseOp(q.x, q.kernel, q.bias, act, { fused }), r)))(p);
  v.dispose();
  return [y, g];
}

describe('denseOp: the fused path agrees with the unfused reference', () => {
  for (const act of ACTIVATIONS) {
    for (const withBias of [true, false]) {
      it(`${label(act)}, ${withBias ? 'with' : 'without'} bias, value and gradients`, async () => {
        const { p, r } = inputs(3, [5], 4, 3, withBias);
        const [yf, gf] = valueAndGrads(p, r, act, true);
        const [yu, gu] = valueAndGrads(p, r, act, false);
        expect(yf.shape).toEqual([5, 3]);
        await expect(yf).toBeCloseTensor(yu, { rtol: 1e-5, atol: 1e-6 });
        await expect(gf).toBeCloseTree(gu, { rtol: 1e-4, atol: 1e-5 });
        tree.dispose([p, r, yf, gf, yu, gu]);
      });
    }
  }

  it('flattens and restores any number of leading batch dimensions', async () => {
    const { p, r } = inputs(4, [2, 3, 2], 4, 5, true);
    const [yf, gf] = valueAndGrads(p, r, 'tanh', true);
    const [yu, gu] = valueAndGrads(p, r, 'tanh', false);
    expect(yf.shape).toEqual([2, 3, 2, 5]);
    expect((gf.x as tf.Tensor).shape).toEqual([2, 3, 2, 4]);
    await expect(yf).toBeCloseTensor(yu, { rtol: 1e-5, atol: 1e-6 });
    await expect(gf).toBeCloseTree(gu, { rtol: 1e-4, atol: 1e-5 });
    tree.dispose([p, r, yf, gf, yu, gu]);
  });

  it('a 1-D input (one example) keeps its rank', async () => {
    const { p } = inputs(5, [], 4, 2, true);
    const y = denseOp(p.x, p.kernel, p.bias, 'relu');
    expect(y.shape).toEqual([2]);
    await expect(y).toBeCloseTensor(unfusedDense(p.x, p.kernel, p.bias, 'relu'), { rtol: 1e-5, atol: 1e-6 });
    tree.dispose([p, y]);
  });

  it('fused: false is exactly unfusedDense', async () => {
    const { p } = inputs(6, [3], 4, 2, true);
    const a = denseOp(p.x, p.kernel, p.bias, 'elu', { fused: false });
    const b = unfusedDense(p.x, p.kernel, p.bias, 'elu');
    await expect(a).toBeCloseTensor(b, { rtol: 0, atol: 0 });
    tree.dispose([p, a, b]);
  });

  it('second derivatives (nested valueAndGrad) fall back to the unfused ops and match them', async () => {
    const { p } = inputs(7, [3], 2, 2, true);
    const f = (fused: boolean) => (k: tf.Tensor) => tf.sum(tf.square(denseOp(p.x, k, p.bias, 'tanh', { fused })));
    const hf = hessian(f(true))(p.kernel);
    const hu = hessian(f(false))(p.kernel);
    await expect(hf).toBeCloseTensor(hu, { rtol: 1e-4, atol: 1e-5 });
    tree.dispose([p, hf, hu]);
  });
});

// Float64 host Dense for the finite-difference checks.
const HOST_ACT: Record<string, (z: number) => number> = {
  linear: (z) => z,
  relu: (z) => Math.max(z, 0),
  elu: (z) => (z > 0 ? z : Math.expm1(z)),
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  leakyRelu: (z) => (z > 0 ? z : 0.01 * z),
};

function hostLoss(act: (z: number) => number, n: number, inDim: number, outDim: number, r: Float64Array) {
  return ([x, w, b]: Float64Array[]): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < outDim; o++) {
        let z = b![o]!;
        for (let j = 0; j < inDim; j++) z += x![i * inDim + j]! * w![j * outDim + o]!;
        s += r[i * outDim + o]! * act(z);
      }
    }
    return s;
  };
}

describe('denseOp: fused gradients match finite differences of a float64 host Dense', () => {
  for (const name of Object.keys(HOST_ACT)) {
    it(name, async () => {
      const n = 4;
      const inDim = 3;
      const outDim = 2;
      const { p, r } = inputs(11, [n], inDim, outDim, true);
      const [x, w, b, rv] = (await Promise.all([p.x, p.kernel, p.bias!, r].map(async (t) => Float64Array.from(await t.data())))) as [Float64Array, Float64Array, Float64Array, Float64Array];
      // Keep pre-activations away from relu/leakyRelu/elu kinks, where finite differences straddle them.
      await expectGradientsMatchHost(
        (xx, ww, bb) => tf.sum(tf.mul(denseOp(xx!, ww!, bb!, name as Activation), r)) as tf.Scalar,
        hostLoss(HOST_ACT[name]!, n, inDim, outDim, rv),
        [
          { values: x, shape: [n, inDim] },
          { values: w, shape: [inDim, outDim] },
          { values: b, shape: [outDim] },
        ],
      );
      tree.dispose([p, r]);
    });
  }
});

describe('denseOp: no leaks', () => {
  it('forward and valueAndGrad, fused and unfused, with and without bias', async () => {
    const { p, r } = inputs(12, [2, 3], 4, 3, true);
    for (const act of ['relu', 'tanh', 'gelu', 'sigmoid'] as const) {
      for (const fused of [true, false]) {
        await expectNoLeaks(() => denseOp(p.x, p.kernel, p.bias, act, { fused }));
        await expectNoLeaks(() => denseOp(p.x, p.kernel, undefined, act, { fused }));
        await expectNoLeaks(() => valueAndGrads(p, r, act, fused));
        await expectNoLeaks(() => valueAndGrads({ x: p.x, kernel: p.kernel }, r, act, fused));
      }
    }
    tree.dispose([p, r]);
  });
});
