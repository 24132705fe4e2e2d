import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { hessian } from '../../src/autodiff/index.js';
import { dispose } from '../../src/tree/index.js';
import { logSumExp } from './host.js';

const backend = process.env.PROBDL_BACKEND ?? 'cpu';

// The second-order coverage claimed in hessian's TSDoc, op by op, against second derivatives
// written out in float64. For an elementwise g, hessian(sum(g(x))) = diag(g''(x)).
// Tolerance: float32 evaluation of g'' through two backward passes, entries O(0.1..3):
// rtol 5e-4 / atol 5e-5 (a missing term, the failure this guards against, is O(0.1) or more).
const TOL = { rtol: 5e-4, atol: 5e-5 };

const X = [0.3, -0.6, 1.1];
const POS = [0.4, 0.9, 1.7];
const UNIT = [0.3, -0.5, 0.7];
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

const elementwise: [string, (x: tf.Tensor) => tf.Tensor, (x: number) => number, number[]][] = [
  ['exp', (x) => tf.exp(x), Math.exp, X],
  ['expm1', (x) => tf.expm1(x), Math.exp, X],
  ['log', (x) => tf.log(x), (x) => -1 / x ** 2, POS],
  ['log1p', (x) => tf.log1p(x), (x) => -1 / (1 + x) ** 2, X],
  ['sqrt', (x) => tf.sqrt(x), (x) => -0.25 * x ** -1.5, POS],
  ['rsqrt', (x) => tf.rsqrt(x), (x) => 0.75 * x ** -2.5, POS],
  ['reciprocal', (x) => tf.reciprocal(x), (x) => 2 / x ** 3, POS],
  ['div', (x) => tf.div(1, tf.add(x, 1)), (x) => 2 / (x + 1) ** 3, POS],
  ['pow', (x) => tf.pow(x, tf.scalar(1.5)), (x) => 0.75 * x ** -0.5, POS],
  ['square', (x) => tf.square(x), () => 2, X],
  ['mul', (x) => tf.mul(tf.mul(x, x), x), (x) => 6 * x, X],
  // 3 mean(x^4) over 3 elements is sum(x^4).
  ['mean', (x) => tf.mul(tf.mean(tf.square(tf.square(x))), 3), (x) => 12 * x * x, X],
  ['sigmoid', (x) => tf.sigmoid(x), (x) => sig(x) * (1 - sig(x)) * (1 - 2 * sig(x)), X],
  ['logSigmoid', (x) => tf.logSigmoid(x), (x) => -sig(x) * (1 - sig(x)), X],
  ['softplus', (x) => tf.softplus(x), (x) => sig(x) * (1 - sig(x)), X],
  ['tanh', (x) => tf.tanh(x), (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2), X],
  ['sin', (x) => tf.sin(x), (x) => -Math.sin(x), X],
  ['cos', (x) => tf.cos(x), (x) => -Math.cos(x), X],
  ['tan', (x) => tf.tan(x), (x) => 2 * Math.tan(x) * (1 + Math.tan(x) ** 2), UNIT],
  ['sinh', (x) => tf.sinh(x), Math.sinh, X],
  ['cosh', (x) => tf.cosh(x), Math.cosh, X],
  ['atan', (x) => tf.atan(x), (x) => (-2 * x) / (1 + x * x) ** 2, X],
  ['asinh', (x) => tf.asinh(x), (x) => -x / (1 + x * x) ** 1.5, X],
  ['asin', (x) => tf.asin(x), (x) => x / (1 - x * x) ** 1.5, UNIT],
  ['acos', (x) => tf.acos(x), (x) => -x / (1 - x * x) ** 1.5, UNIT],
  ['erf', (x) => tf.erf(x), (x) => ((-4 * x) / Math.sqrt(Math.PI)) * Math.exp(-x * x), X],
  ['abs', (x) => tf.mul(tf.abs(x), x), (x) => 2 * Math.sign(x), X],
  ['relu', (x) => tf.mul(tf.relu(x), x), (x) => (x > 0 ? 2 : 0), X],
  ['relu6', (x) => tf.mul(tf.relu6(x), x), (x) => (x > 0 ? 2 : 0), X],
  ['leakyRelu', (x) => tf.mul(tf.leakyRelu(x, 0.1), x), (x) => (x > 0 ? 2 : 0.2), X],
  ['prelu', (x) => tf.mul(tf.prelu(x, tf.scalar(0.1)), x), (x) => (x > 0 ? 2 : 0.2), X],
  ['selu', (x) => tf.selu(x), (x) => (x > 0 ? 0 : SELU_SCALE * SELU_ALPHA * Math.exp(x)), X],
  ['maximum', (x) => tf.maximum(tf.square(x), 0.2), (x) => (x * x > 0.2 ? 2 : 0), X],
  ['minimum', (x) => tf.minimum(tf.square(x), 0.2), (x) => (x * x < 0.2 ? 2 : 0), X],
  ['clipByValue', (x) => tf.mul(tf.clipByValue(x, -0.5, 0.5), x), (x) => (Math.abs(x) < 0.5 ? 2 : 0), X],
  ['where', (x) => tf.where(tf.greater(x, 0), tf.square(x), tf.exp(x)), (x) => (x > 0 ? 2 : Math.exp(x)), X],
];

describe(`second derivatives through tfjs-core ops on ${backend}`, () => {
  it.each(elementwise)('%s', async (_name, g, d2, xs) => {
    const x = tf.tensor1d(xs);
    const H = hessian((v: tf.Tensor) => tf.sum(g(v)))(x);
    await expect(H).toBeCloseTensor(
      xs.map((xi, i) => xs.map((_, j) => (i === j ? d2(xi) : 0))),
      TOL,
    );
    dispose([x, H]);
  });

  const c = [0.5, -1, 2];
  const xs = [0.2, -0.3, 0.8];
  const p = logSumExp(xs).grad; // softmax(xs)

  it('softmax: H_jk = p_j (δ_jk - p_k)(c_j - c̄) - p_j p_k (c_k - c̄) for sum(softmax(x) c)', async () => {
    const cbar = p.reduce((s, pi, i) => s + pi * c[i]!, 0);
    const expected = xs.map((_, j) => xs.map((_, k) => p[j]! * ((j === k ? 1 : 0) - p[k]!) * (c[j]! - cbar) - p[j]! * p[k]! * (c[k]! - cbar)));
    const x = tf.tensor1d(xs);
    const ct = tf.tensor1d(c);
    const H = hessian((v: tf.Tensor) => tf.sum(tf.mul(tf.softmax(v), ct)))(x);
    await expect(H).toBeCloseTensor(expected, TOL);
    dispose([x, ct, H]);
  });

  it('logSoftmax: H = -(Σc)(diag(p) - p p^T) for sum(logSoftmax(x) c)', async () => {
    const sc = c.reduce((a, b) => a + b, 0);
    const lse = logSumExp(xs).hessian;
    const x = tf.tensor1d(xs);
    const ct = tf.tensor1d(c);
    const H = hessian((v: tf.Tensor) => tf.sum(tf.mul(tf.logSoftmax(v), ct)))(x);
    await expect(H).toBeCloseTensor(
      lse.map((r) => r.map((h) => -sc * h)),
      TOL,
    );
    dispose([x, ct, H]);
  });

  it('max and min: piecewise linear, so a zero Hessian (tfjs-core alone throws: no gradient for Equal)', async () => {
    const x = tf.tensor1d(xs);
    const H1 = hessian((v: tf.Tensor) => tf.max(v))(x);
    const H2 = hessian((v: tf.Tensor) => tf.min(tf.mul(v, 2)))(x);
    await expect(H1).toBeCloseTensor(xs.map(() => xs.map(() => 0)));
    await expect(H2).toBeCloseTensor(xs.map(() => xs.map(() => 0)));
    dispose([x, H1, H2]);
  });

  it('fused matMul with a sigmoid activation: d²/dx² sigmoid(x·x + b) for x a vector', async () => {
    // f(x) = sigmoid(u), u = x·x + 0.1: H = s'(u) 2I + s''(u) (2x)(2x)^T
    const x = tf.tensor1d(xs);
    const u = xs.reduce((s, v) => s + v * v, 0.1);
    const s1 = sig(u) * (1 - sig(u));
    const s2 = s1 * (1 - 2 * sig(u));
    const expected = xs.map((a, i) => xs.map((b, j) => (i === j ? 2 * s1 : 0) + 4 * s2 * a * b));
    const H = hessian((v: tf.Tensor) =>
      tf.reshape(tf.fused.matMul({ a: tf.reshape(v, [1, 3]), b: tf.reshape(v, [3, 1]), bias: tf.scalar(0.1), activation: 'sigmoid' }), []),
    )(x);
    await expect(H).toBeCloseTensor(expected, TOL);
    dispose([x, H]);
  });
});
