import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { jacobian } from '../../src/autodiff/index.js';
import { dispose } from '../../src/tree/index.js';
import { finiteDiffJacobian, rows, testValues } from './host.js';

const backend = process.env.PROBDL_BACKEND ?? 'cpu';

// float32 device values against float64 references: see value-and-grad.test.ts for the margin.
const TOL = { rtol: 1e-4, atol: 1e-5 };

describe(`jacobian on ${backend}`, () => {
  it('of a linear map x -> A x is A', async () => {
    const a = testValues(12, 11);
    const A = tf.tensor2d(a, [3, 4]);
    const x = tf.tensor1d(testValues(4, 12));
    const J = jacobian((v: tf.Tensor1D, m: tf.Tensor2D) => tf.squeeze(tf.matMul(m, tf.reshape(v, [4, 1])), [1]))(x, A);
    expect(J.shape).toEqual([3, 4]);
    await expect(J).toBeCloseTensor(rows(a, 4), { rtol: 0, atol: 1e-6 });
    dispose([A, x, J]);
  });

  it('has shape [...outShape, ...inShape]', async () => {
    const b = testValues(12, 13);
    const B = tf.tensor2d(b, [4, 3]);
    const x = tf.tensor1d([1, 2, 3]);
    const J = jacobian((v: tf.Tensor) => tf.reshape(tf.squeeze(tf.matMul(B, tf.reshape(v, [3, 1])), [1]), [2, 2]))(x);
    expect(J.shape).toEqual([2, 2, 3]);
    await expect(J).toBeCloseTensor([rows(b.slice(0, 6), 3), rows(b.slice(6), 3)], { rtol: 0, atol: 1e-6 });
    // A matrix input: the elementwise square has Jacobian 2 x_ij on the diagonal of [2, 2, 2, 2].
    const X = tf.tensor2d([[1, 2], [3, 4]]);
    const J2 = jacobian((v: tf.Tensor) => tf.square(v))(X);
    expect(J2.shape).toEqual([2, 2, 2, 2]);
    const expected = [0, 1].map((i) => [0, 1].map((j) => [0, 1].map((k) => [0, 1].map((l) => (i === k && j === l ? 2 * (2 * i + j + 1) : 0)))));
    await expect(J2).toBeCloseTensor(expected);
    dispose([B, x, J, X, J2]);
  });

  it('of a nonlinear map matches a float64 central finite difference', async () => {
    const xv = [0.3, -0.7, 1.1];
    const host = (v: number[]) => [Math.sin(v[0]! * v[1]!), v[2]! ** 2 + Math.exp(v[0]!), Math.tanh(v[1]! - v[2]!), Math.log1p(v[0]! ** 2)];
    const x = tf.tensor1d(xv);
    const J = jacobian((v: tf.Tensor) => {
      const [a, b, c] = tf.unstack(v) as [tf.Scalar, tf.Scalar, tf.Scalar];
      return tf.stack([tf.sin(tf.mul(a, b)), tf.add(tf.square(c), tf.exp(a)), tf.tanh(tf.sub(b, c)), tf.log1p(tf.square(a))]);
    })(x);
    await expect(J).toBeCloseTensor(finiteDiffJacobian(host, xv), TOL);
    dispose([x, J]);
  });

  it('of a tree input is a tree with leaves [...outShape, ...leafShape]', async () => {
    const u = tf.tensor1d([1, 2]);
    const v = tf.tensor2d([[3], [4], [5]]);
    // f = [u0 * u1, sum(v), u0 * v2]
    const J = jacobian((p: { u: tf.Tensor1D; v: tf.Tensor2D; none: null }) => {
      const [u0, u1] = tf.unstack(p.u) as [tf.Scalar, tf.Scalar];
      const v2 = tf.reshape(tf.slice(p.v, [2, 0], [1, 1]), []);
      return tf.stack([tf.mul(u0, u1), tf.sum(p.v), tf.mul(u0, v2)]);
    })({ u, v, none: null });
    expect(J.none).toBeNull();
    expect(J.u.shape).toEqual([3, 2]);
    expect(J.v.shape).toEqual([3, 3, 1]);
    await expect(J.u).toBeCloseTensor([[2, 1], [0, 0], [5, 0]]);
    await expect(J.v).toBeCloseTensor([[[0], [0], [0]], [[1], [1], [1]], [[0], [0], [1]]]);
    dispose([u, v, J]);
  });

  it('of a scalar function is its gradient; an empty output gives an empty Jacobian', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const J = jacobian((v: tf.Tensor) => tf.sum(tf.square(v)))(x);
    expect(J.shape).toEqual([3]);
    await expect(J).toBeCloseTensor([2, 4, 6]);
    const E = jacobian((v: tf.Tensor) => tf.slice(v, [0], [0]))(x);
    expect(E.shape).toEqual([0, 3]);
    dispose([x, J, E]);
  });

  it('errors name the problem', async () => {
    const x = tf.tensor1d([1, 2]);
    const i = tf.tensor1d([1, 2], 'int32');
    await expectNoLeaks(() => {
      expect(() => jacobian((v: tf.Tensor) => tf.cast(v, 'int32'))(x)).toThrow(/jacobian: f must return a float32 tensor, got dtype int32/);
      expect(() => jacobian((v: tf.Tensor) => v)(i)).toThrow(/jacobian: x leaf <root> has dtype int32/);
      expect(() => jacobian((p: { a: tf.Tensor }) => p.a)({ a: x, k: 2 } as { a: tf.Tensor })).toThrow(/x leaf k is the plain number 2/);
    });
    dispose([x, i]);
  });

  it('leaks nothing and never disposes its inputs', async () => {
    const x = tf.tensor1d([0.5, -0.5, 1]);
    await expectNoLeaks(() => jacobian((v: tf.Tensor) => tf.tanh(tf.mul(v, v)))(x));
    await expectNoLeaks(() => jacobian((p: { a: tf.Tensor; b: tf.Tensor }) => tf.mul(p.a, p.b))({ a: x, b: x }));
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });
});
