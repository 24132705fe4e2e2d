import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { grad, valueAndGrad } from '../../src/autodiff/index.js';
import { dispose, ravel } from '../../src/tree/index.js';
import { finiteDiffGrad, logSumExp, matVec, mlpLoss, symmetrised, testValues } from './host.js';

const backend = process.env.PROBDL_BACKEND ?? 'cpu';

// Tolerances: the device computes in float32 (unit roundoff 6e-8); the references are float64.
// Gradients here are sums of at most ~50 products of O(1) terms, so float32 error is ~1e-6
// relative; rtol 1e-4 / atol 1e-5 leaves a wide margin for transcendental functions on
// wasm/WebGPU while still catching a wrong term (which is O(0.01) or larger).
const TOL = { rtol: 1e-4, atol: 1e-5 };

const S = { batch: 5, inputs: 3, hidden: 4 };

interface Mlp {
  layers: { w: tf.Tensor2D; b: tf.Tensor1D }[];
}

function mlpParams(): { host: number[]; tree: Mlp } {
  const b0 = testValues(S.hidden, 1);
  const w0 = testValues(S.inputs * S.hidden, 2);
  const b1 = testValues(1, 3);
  const w1 = testValues(S.hidden, 4);
  return {
    host: [...b0, ...w0, ...b1, ...w1],
    tree: {
      layers: [
        { w: tf.tensor2d(w0, [S.inputs, S.hidden]), b: tf.tensor1d(b0) },
        { w: tf.tensor2d(w1, [S.hidden, 1]), b: tf.tensor1d(b1) },
      ],
    },
  };
}

const xHost = testValues(S.batch * S.inputs, 5).map((v) => v * 2);
const tHost = testValues(S.batch, 6);

function deviceLoss(p: Mlp, x: tf.Tensor2D, t: tf.Tensor2D): tf.Scalar {
  const [l0, l1] = p.layers as [Mlp['layers'][0], Mlp['layers'][0]];
  const h = tf.tanh(tf.add(tf.matMul(x, l0.w), l0.b));
  const y = tf.add(tf.matMul(h, l1.w), l1.b);
  return tf.mean(tf.square(tf.sub(y, t)));
}

describe(`valueAndGrad on ${backend}`, () => {
  it('gives the MLP loss and its gradient tree, matching a float64 central finite difference', async () => {
    const { host, tree } = mlpParams();
    const x = tf.tensor2d(xHost, [S.batch, S.inputs]);
    const t = tf.tensor2d(tHost, [S.batch, 1]);
    const [loss, grads] = valueAndGrad(deviceLoss)(tree, x, t);
    expect(loss.shape).toEqual([]);
    await expect(loss).toBeCloseTensor(mlpLoss(host, xHost, tHost, S), TOL);
    expect(grads.layers[0]!.w.shape).toEqual([S.inputs, S.hidden]);
    expect(grads.layers[1]!.b.shape).toEqual([1]);
    const fd = finiteDiffGrad((p) => mlpLoss(p, xHost, tHost, S), host);
    const { flat } = ravel(grads); // b0, w0, b1, w1: the order of `host`
    await expect(flat).toBeCloseTensor(fd, TOL);
    dispose([tree, x, t, loss, grads, flat]);
  });

  it('differentiates the quadratic form x^T A x to (A + A^T) x', async () => {
    const n = 4;
    const a = testValues(n * n, 7);
    const xv = testValues(n, 8);
    const A = tf.tensor2d(a, [n, n]);
    const x = tf.tensor1d(xv);
    const [value, g] = valueAndGrad((v: tf.Tensor1D, m: tf.Tensor2D) => tf.sum(tf.mul(v, tf.squeeze(tf.matMul(m, tf.reshape(v, [n, 1]))))))(x, A);
    const expectedValue = xv.reduce((s, xi, i) => s + xi * matVec(a, n, n, xv)[i]!, 0);
    await expect(value).toBeCloseTensor(expectedValue, TOL);
    await expect(g).toBeCloseTensor(matVec(symmetrised(a, n), n, n, xv), TOL);
    dispose([A, x, value, g]);
  });

  it('differentiates log-sum-exp to softmax', async () => {
    const xv = [0.5, -1.25, 2, 0.75, -0.5];
    const x = tf.tensor1d(xv);
    const [value, g] = valueAndGrad((v: tf.Tensor) => tf.logSumExp(v))(x);
    const ref = logSumExp(xv);
    await expect(value).toBeCloseTensor(ref.value, TOL);
    await expect(g).toBeCloseTensor(ref.grad, TOL);
    dispose([x, value, g]);
  });

  it('keeps empty subtrees, gives zeros for unused leaves and separate gradients for a shared tensor', async () => {
    const shared = tf.tensor1d([1, 2]);
    const unused = tf.tensor2d([[5, 6]]);
    const params = { a: shared, b: shared, skip: null, z: unused, list: [undefined, shared] };
    const g = grad((p: typeof params) => tf.sum(tf.add(tf.add(tf.mul(p.a, 2), tf.mul(p.b, 3)), tf.square(p.list[1]!))))(params);
    expect(g.skip).toBeNull();
    expect(g.list[0]).toBeUndefined();
    await expect(g.a).toBeCloseTensor([2, 2]);
    await expect(g.b).toBeCloseTensor([3, 3]);
    await expect(g.list[1]).toBeCloseTensor([2, 4]); // d/dx x^2 = 2x
    await expect(g.z).toBeCloseTensor([[0, 0]]);
    dispose([shared, unused, g]);
  });

  it('passes extra arguments through without differentiating them', async () => {
    const w = tf.tensor1d([1, -2]);
    const c = tf.tensor1d([3, 4]);
    const g = grad((p: tf.Tensor, k: tf.Tensor, scale: number) => tf.mul(scale, tf.sum(tf.mul(p, k))))(w, c, 0.5);
    await expect(g).toBeCloseTensor([1.5, 2]);
    dispose([w, c, g]);
  });

  it('differentiates through comparisons (tf.where on tf.greater: tfjs-core alone throws)', async () => {
    const x = tf.tensor1d([-1, 0.5, 2]);
    const g = grad((v: tf.Tensor) => tf.sum(tf.where(tf.greater(v, 0), tf.square(v), tf.mul(v, -3))))(x);
    await expect(g).toBeCloseTensor([-3, 1, 4]);
    dispose([x, g]);
  });

  it('is callable inside the caller’s tf.tidy, returning into it', async () => {
    const x = tf.tensor1d([1, 2]);
    const g = tf.tidy(() => grad((v: tf.Tensor) => tf.sum(tf.exp(v)))(x));
    await expect(g).toBeCloseTensor([Math.E, Math.E ** 2], TOL);
    dispose([x, g]);
  });

  it('leaks nothing and never disposes its inputs', async () => {
    const { tree } = mlpParams();
    const x = tf.tensor2d(xHost, [S.batch, S.inputs]);
    const t = tf.tensor2d(tHost, [S.batch, 1]);
    await expectNoLeaks(() => valueAndGrad(deviceLoss)(tree, x, t));
    await expectNoLeaks(() => grad(deviceLoss)(tree, x, t));
    await expectNoLeaks(() => grad((p: tf.Tensor) => tf.sum(tf.where(tf.greater(p, 0), p, tf.exp(p))))(x));
    // f returns a constant from outside: the value handed back is still the caller's to dispose.
    const k = tf.scalar(2);
    await expectNoLeaks(() => valueAndGrad((_p: tf.Tensor) => k)(x));
    expect(k.isDisposed).toBe(false);
    expect(tree.layers[0]!.w.isDisposed).toBe(false);
    dispose([tree, x, t, k]);
  });
});

describe(`valueAndGrad with hasAux on ${backend}`, () => {
  const f = (p: { w: tf.Tensor }, x: tf.Tensor) => {
    const pred = tf.mul(p.w, x);
    const loss = tf.sum(tf.square(pred));
    return [loss, { pred, note: 'mse', count: 3, nested: [p.w, null] }] as const;
  };

  it('returns [[value, aux], grads] with aux tensors alive and plain data passed through', async () => {
    const w = tf.tensor1d([1, 2]);
    const x = tf.tensor1d([3, -1]);
    const [[value, aux], g] = valueAndGrad(f, { hasAux: true })({ w }, x);
    await expect(value).toBeCloseTensor(9 + 4);
    expect(aux.note).toBe('mse');
    expect(aux.count).toBe(3);
    expect(aux.nested[1]).toBeNull();
    await expect(aux.pred).toBeCloseTensor([3, -2]);
    await expect(aux.nested[0]).toBeCloseTensor([1, 2]);
    expect(aux.nested[0]).not.toBe(w); // a fresh tensor, the caller's to dispose
    await expect(g.w).toBeCloseTensor([2 * 1 * 9, 2 * 2 * 1]); // d/dw (w x)^2 = 2 w x^2
    dispose([w, x, value, aux, g]);
    expect(w.isDisposed).toBe(true);
  });

  it('grad with hasAux returns [grads, aux]; the gradient equals the one without aux', async () => {
    const w = tf.tensor1d([0.5, -1.5]);
    const x = tf.tensor1d([2, 4]);
    const [g, aux] = grad(f, { hasAux: true })({ w }, x);
    const g2 = grad((p: { w: tf.Tensor }, v: tf.Tensor) => f(p, v)[0])({ w }, x);
    await expect(g.w).toBeCloseTensor(g2.w);
    await expect(aux.pred).toBeCloseTensor([1, -6]);
    dispose([w, x, g, aux, g2]);
  });

  it('leaks nothing: aux tensors are kept, every other tensor of f is freed', async () => {
    const w = tf.tensor1d([1, 2]);
    const x = tf.tensor1d([3, -1]);
    await expectNoLeaks(() => valueAndGrad(f, { hasAux: true })({ w }, x));
    await expectNoLeaks(() => grad(f, { hasAux: true })({ w }, x));
    dispose([w, x]);
  });

  it('rejects an f that does not return a pair', async () => {
    const w = tf.tensor1d([1, 2]);
    const bad = (p: tf.Tensor) => tf.sum(p) as unknown as readonly [tf.Tensor, unknown];
    await expectNoLeaks(() => {
      expect(() => valueAndGrad(bad, { hasAux: true })(w)).toThrow(/valueAndGrad with hasAux: f must return \[value, aux\], got a tensor of shape \[\]/);
    });
    w.dispose();
  });
});

describe(`valueAndGrad errors on ${backend}`, () => {
  it('names the shape of a non-scalar value', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    await expectNoLeaks(() => {
      expect(() => valueAndGrad((v: tf.Tensor) => tf.square(v))(x)).toThrow(/valueAndGrad: f must return a scalar \(shape \[\]\), got shape \[3\]/);
      expect(() => grad((v: tf.Tensor) => tf.reshape(tf.sum(v), [1]))(x)).toThrow(/^grad: .*got shape \[1\]/);
      expect(() => grad((v: tf.Tensor) => tf.cast(tf.sum(v), 'int32'))(x)).toThrow(/float32 scalar, got dtype int32/);
      expect(() => grad(() => 3 as unknown as tf.Tensor)(x)).toThrow(/got the number 3/);
    });
    x.dispose();
  });

  it('names the path of an int32, bool or number leaf', () => {
    const w = tf.tensor1d([1]);
    const idx = tf.tensor1d([1], 'int32');
    const mask = tf.tensor1d([true], 'bool');
    const f = (_p: object) => tf.sum(w);
    expect(() => grad(f)({ layers: [{ w }, { idx }] })).toThrow(/grad: params leaf layers\[1\]\.idx has dtype int32; only float32 tensors/);
    expect(() => grad(f)({ m: mask })).toThrow(/params leaf m has dtype bool/);
    expect(() => grad(f)({ w, lr: 0.1 })).toThrow(/params leaf lr is the plain number 0\.1/);
    expect(() => grad(f)({ w, name: 'x' } as never)).toThrow(/unsupported value at name/);
    tf.dispose([w, idx, mask]);
  });

  it('propagates an error thrown by f, leaving nothing behind', async () => {
    const x = tf.tensor1d([1, 2]);
    await expectNoLeaks(() => {
      expect(() =>
        grad((v: tf.Tensor) => {
          tf.exp(tf.mul(v, v)); // ops recorded on the tape before the throw
          throw new Error('boom');
        })(x),
      ).toThrow('boom');
    });
    // The engine is still usable afterwards.
    const g = grad((v: tf.Tensor) => tf.sum(tf.square(v)))(x);
    await expect(g).toBeCloseTensor([2, 4]);
    dispose([x, g]);
  });
});
