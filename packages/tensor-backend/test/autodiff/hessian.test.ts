import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { hessian } from '../../src/autodiff/index.js';
import { dispose } from '../../src/tree/index.js';
import { finiteDiffJacobian, logSumExp, rows, symmetrised, testValues } from './host.js';

const backend = process.env.PROBDL_BACKEND ?? 'cpu';

// Second derivatives in float32 against float64 references; entries are O(0.1..1), so
// rtol 2e-4 / atol 2e-5 is ~100x the float32 error and far below any missing term.
const TOL = { rtol: 2e-4, atol: 2e-5 };

/** x^T A x with x the vector v. */
function quadForm(v: tf.Tensor, A: tf.Tensor2D): tf.Scalar {
  const n = A.shape[0];
  return tf.sum(tf.mul(tf.reshape(v, [n]), tf.squeeze(tf.matMul(A, tf.reshape(v, [n, 1])), [1])));
}

describe(`hessian on ${backend}`, () => {
  it('of the quadratic form x^T A x is A + A^T', async () => {
    const n = 4;
    const a = testValues(n * n, 21);
    const A = tf.tensor2d(a, [n, n]);
    const x = tf.tensor1d(testValues(n, 22));
    const H = hessian(quadForm)(x, A);
    expect(H.shape).toEqual([n, n]);
    await expect(H).toBeCloseTensor(rows(symmetrised(a, n), n), TOL);
    dispose([A, x, H]);
  });

  it('of a tree input is the [n, n] matrix in ravel order (sorted keys)', async () => {
    const n = 5;
    const a = testValues(n * n, 23);
    const A = tf.tensor2d(a, [n, n]);
    // ravel order: a (2 elements), then b (a 1 x 3 matrix); `skip` is an empty subtree.
    const params = { b: tf.tensor2d([[0.1, 0.2, 0.3]]), a: tf.tensor1d([1, -1]), skip: null };
    const H = hessian((p: typeof params, m: tf.Tensor2D) => quadForm(tf.concat([p.a, tf.reshape(p.b, [3])]), m))(params, A);
    expect(H.shape).toEqual([n, n]);
    await expect(H).toBeCloseTensor(rows(symmetrised(a, n), n), TOL);
    dispose([A, params, H]);
  });

  it('of log-sum-exp is diag(p) - p p^T (second order through exp and max, which tfjs-core alone gets wrong)', async () => {
    const xv = [0.5, -1.25, 2, 0.75];
    const x = tf.tensor1d(xv);
    const H = hessian((v: tf.Tensor) => tf.logSumExp(v))(x);
    await expect(H).toBeCloseTensor(logSumExp(xv).hessian, TOL);
    dispose([x, H]);
  });

  it('of a logistic regression negative log likelihood is X^T diag(s (1 - s)) X (sigmoid, softplus)', async () => {
    const nObs = 6;
    const d = 3;
    const xs = testValues(nObs * d, 24).map((v) => 2 * v);
    const ys = testValues(nObs, 25).map((v) => (v > 0 ? 1 : 0));
    const wv = [0.4, -0.8, 0.3];
    const X = tf.tensor2d(xs, [nObs, d]);
    const y = tf.tensor1d(ys);
    const w = tf.tensor1d(wv);
    // nll(w) = sum(softplus(z) - y z) + 0.5 sum(sigmoid(z)) with z = X w: the sigmoid term puts a
    // saved-output op (sigmoid) on the second-order path as well.
    const nll = (v: tf.Tensor, m: tf.Tensor2D, t: tf.Tensor) => {
      const z = tf.squeeze(tf.matMul(m, tf.reshape(v, [d, 1])), [1]);
      return tf.add(tf.sum(tf.sub(tf.softplus(z), tf.mul(t, z))), tf.mul(0.5, tf.sum(tf.sigmoid(z))));
    };
    const H = hessian(nll)(w, X, y);
    const expected = Array.from({ length: d }, (_, i) =>
      Array.from({ length: d }, (_, j) => {
        let s = 0;
        for (let r = 0; r < nObs; r++) {
          let z = 0;
          for (let k = 0; k < d; k++) z += xs[r * d + k]! * wv[k]!;
          const p = 1 / (1 + Math.exp(-z));
          // softplus'' = p (1 - p); (0.5 sigmoid)'' = 0.5 p (1 - p) (1 - 2p)
          s += xs[r * d + i]! * xs[r * d + j]! * (p * (1 - p) + 0.5 * p * (1 - p) * (1 - 2 * p));
        }
        return s;
      }),
    );
    await expect(H).toBeCloseTensor(expected, TOL);
    dispose([X, y, w, H]);
  });

  it('of a tanh network matches a float64 finite difference of the analytic gradient', async () => {
    // f(x) = sum(tanh(B x)) + 0.1 sum(softmax(x) * x); gradient written out in float64 below.
    const B = testValues(9, 26);
    const xv = [0.2, -0.4, 0.9];
    const hostGrad = (v: number[]) => {
      const u = [0, 1, 2].map((i) => B[3 * i]! * v[0]! + B[3 * i + 1]! * v[1]! + B[3 * i + 2]! * v[2]!);
      const g = [0, 1, 2].map((j) => [0, 1, 2].reduce((s, i) => s + (1 - Math.tanh(u[i]!) ** 2) * B[3 * i + j]!, 0));
      const m = Math.max(...v);
      const e = v.map((t) => Math.exp(t - m));
      const z = e.reduce((p, q) => p + q, 0);
      const p = e.map((t) => t / z);
      const mean = p.reduce((s, pi, i) => s + pi * v[i]!, 0);
      // d/dx_j sum_i p_i x_i = p_j + p_j (x_j - mean)
      return g.map((gj, j) => gj + 0.1 * (p[j]! + p[j]! * (v[j]! - mean)));
    };
    const Bt = tf.tensor2d(B, [3, 3]);
    const x = tf.tensor1d(xv);
    const H = hessian((v: tf.Tensor) =>
      tf.add(tf.sum(tf.tanh(tf.squeeze(tf.matMul(Bt, tf.reshape(v, [3, 1])), [1]))), tf.mul(0.1, tf.sum(tf.mul(tf.softmax(v), v)))),
    )(x);
    await expect(H).toBeCloseTensor(finiteDiffJacobian(hostGrad, xv), TOL);
    dispose([Bt, x, H]);
  });

  it('of exp(x) summed is diag(exp(x)); of a linear function is zero', async () => {
    const x = tf.tensor1d([0, 1]);
    const H = hessian((v: tf.Tensor) => tf.sum(tf.exp(v)))(x);
    await expect(H).toBeCloseTensor([[1, 0], [0, Math.E]], TOL);
    const Z = hessian((v: tf.Tensor) => tf.sum(tf.mul(v, 3)))(x);
    await expect(Z).toBeCloseTensor([[0, 0], [0, 0]]);
    dispose([x, H, Z]);
  });

  it('names an op without a second derivative (elu) and the path of a bad leaf', async () => {
    const x = tf.tensor1d([0.5, -0.5]);
    const k = tf.tensor1d([1, 2], 'int32');
    await expectNoLeaks(() => {
      expect(() => hessian((v: tf.Tensor) => tf.sum(tf.elu(v)))(x)).toThrow(/hessian: tfjs-core has no gradient for the op 'EluGrad'/);
      expect(() => hessian((v: tf.Tensor) => tf.square(v))(x)).toThrow(/hessian: f must return a scalar \(shape \[\]\), got shape \[2\]/);
      expect(() => hessian((p: { k: tf.Tensor }) => tf.sum(p.k))({ k })).toThrow(/hessian: x leaf k has dtype int32/);
    });
    dispose([x, k]);
  });

  it('leaks nothing and never disposes its inputs', async () => {
    const x = tf.tensor1d([0.5, -0.5, 1]);
    await expectNoLeaks(() => hessian((v: tf.Tensor) => tf.logSumExp(tf.mul(v, v)))(x));
    await expectNoLeaks(() => hessian((p: { a: tf.Tensor; b: tf.Tensor }) => tf.sum(tf.mul(tf.sigmoid(p.a), p.b)))({ a: x, b: x }));
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });
});
