import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { affineBasis, indabaDataset, indabaValues } from '@probdl/datasets';
import { adam } from '@probdl/optimizers';
import { logSigmoid } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { loadReference } from '@probdl/vitest-config/reference';
import { findMap, generalizedGaussNewton, laplace } from '../../src/index.js';
import { logisticPrecision } from './logistic-precision.js';

// The Indaba 2022 practical's logistic regression (cell 81, case logistic_map_alpha0.75): classification
// data, affine basis [1, x], objective −(Σ sigmoid_BCE(Xw, y) + ½α‖w‖²), α = 0.75, optax.adam(1e-2,
// b1 = 0.99), 800 steps from [0, 0].

interface MapCase {
  id: string;
  inputs: { alpha: number; steps: number; init: number[] };
  expected: { params_after_adam: number[]; loss_at_params: number };
}
const ref = loadReference<{ cases: MapCase[] }>('indaba-bdl/cases.json');
const mapCase = ref?.cases.find((c) => c.id === 'logistic_map_alpha0.75');
const ALPHA = 0.75;

/** The practical's objective as a batched target [S, 2] → [S]. */
function objective(x: tf.Tensor, y: tf.Tensor): (w: tf.Tensor) => tf.Tensor {
  return (w) =>
    tf.tidy(() => {
      const logits = tf.matMul(w, x, false, true); // [S, N]
      const ll = tf.sum(tf.add(tf.mul(y, logSigmoid(logits)), tf.mul(tf.sub(1, y), logSigmoid(tf.neg(logits)))), 1);
      return tf.sub(ll, tf.mul(0.5 * ALPHA, tf.sum(tf.square(w), 1)));
    });
}

/** The exact negative Hessian Xᵀ diag(p(1−p)) X + αI in float64 at w, on the practical's data. */
function hostPrecision(w: readonly number[]): number[] {
  return logisticPrecision(indabaValues('classification').x, w, ALPHA);
}

describe.skipIf(mapCase === undefined)('findMap reproduces the practical (logistic_map_alpha0.75)', () => {
  it('Adam (b1 0.99, lr 1e-2, 800 steps, init [0, 0]) lands on params_after_adam', async () => {
    const c = mapCase!;
    const data = indabaDataset('classification');
    const x = affineBasis(data.x);
    const init = tf.tensor1d(c.inputs.init);
    const { position, history } = await findMap(objective(x, data.y), init, { optimizer: adam(1e-2, { b1: 0.99 }), steps: c.inputs.steps });
    // Same float32 algorithm, different kernels: rounding differences accumulate along 800 Adam
    // steps. 1e-5 is ~80 float32 ulps of 1.38 and 1/1000 of one Adam step (lr 1e-2); measured on
    // cpu: 1.2e-7 (one ulp).
    await expect(position).toBeCloseTensor(c.expected.params_after_adam, { rtol: 0, atol: 1e-5 });
    expect(Math.abs(-history[history.length - 1]! - c.expected.loss_at_params)).toBeLessThan(1e-4);
    tf.dispose([data.x, data.y, x, init, position]);
  }, 30000);
});

describe('laplace on the practical logistic regression', () => {
  it('at the MAP, the precision is the exact Hessian Xᵀdiag(p(1−p))X + αI (autodiff and GGN agree)', async () => {
    const data = indabaDataset('classification');
    const x = affineBasis(data.x);
    const target = objective(x, data.y);
    const init = tf.zeros([2]);
    // Near the mode (the Hessian reference is evaluated at the same point, so exactness is not needed).
    const { position, history } = await findMap(target, init, { optimizer: adam(0.1), steps: 300 });
    expect(Math.abs(history[299]! - history[298]!)).toBeLessThan(1e-5);
    const w = Array.from(await position.data());
    const want = hostPrecision(w);
    const approx = await laplace(target, position);
    for (let i = 0; i < 4; i++) expect(Math.abs(approx.host.precision.data[i]! - want[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(want[i]!)));
    // GGN: logits are linear in w, so Jᵀ diag(p(1−p)) J + αI is the exact Hessian too.
    const viaGgn = await laplace(target, position, {
      hessian: 'ggn',
      ggn: { apply: (p, xs) => tf.squeeze(tf.matMul(xs, tf.reshape(p, [2, 1])), [1]), inputs: x, likelihood: 'bernoulli', priorPrecision: ALPHA },
    });
    for (let i = 0; i < 4; i++) expect(Math.abs(viaGgn.host.precision.data[i]! - want[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(want[i]!)));
    // The covariance is the float64 inverse of that precision.
    const det = want[0]! * want[3]! - want[1]! * want[2]!;
    const cov = [want[3]! / det, -want[1]! / det, -want[2]! / det, want[0]! / det];
    for (let i = 0; i < 4; i++) expect(Math.abs(approx.host.covariance.data[i]! - cov[i]!)).toBeLessThan(1e-4 * Math.abs(cov[i]!) + 1e-7);
    approx.dispose();
    viaGgn.dispose();
    tf.dispose([data.x, data.y, x, init, position]);
  }, 30000);
});

/** A 1 → 3 → 1 tanh network's logits in float64 (the host reference of the GGN test). */
function hostMlp(theta: Float64Array, xs: Float32Array): Float64Array {
  // ravel order (sorted keys): b1 [3], b2 [1], w1 [1, 3], w2 [3, 1]
  const b1 = theta.subarray(0, 3);
  const b2 = theta[3]!;
  const w1 = theta.subarray(4, 7);
  const w2 = theta.subarray(7, 10);
  return Float64Array.from(xs, (xi) => {
    let out = b2;
    for (let j = 0; j < 3; j++) out += w2[j]! * Math.tanh(xi * w1[j]! + b1[j]!);
    return out;
  });
}

describe('generalizedGaussNewton for a network (pytree parameters)', () => {
  it('equals Jᵀ diag(p(1−p)) J + αI with J by float64 finite differences, and is PSD', async () => {
    const { x: xHost } = indabaValues('classification');
    const xs = tf.tensor2d(xHost, [xHost.length, 1]);
    const params = {
      w1: tf.tensor2d([[0.8, -1.2, 0.5]]),
      b1: tf.tensor1d([0.1, -0.3, 0.2]),
      w2: tf.tensor2d([[1.5], [-0.7], [0.9]]),
      b2: tf.tensor1d([0.05]),
    };
    const apply = (p: typeof params, x: tf.Tensor): tf.Tensor => tf.squeeze(tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, p.w1), p.b1)), p.w2), p.b2), [1]);
    const g = generalizedGaussNewton(params, { apply, inputs: xs, likelihood: 'bernoulli', priorPrecision: 0.5 });
    expect(g.shape).toEqual([10, 10]);
    const got = await g.data();
    const theta = Float64Array.from([0.1, -0.3, 0.2, 0.05, 0.8, -1.2, 0.5, 1.5, -0.7, 0.9].map((v) => Math.fround(v)));
    const n = xHost.length;
    const jac = new Float64Array(n * 10);
    const h = 1e-6;
    for (let k = 0; k < 10; k++) {
      const tp = Float64Array.from(theta);
      const tm = Float64Array.from(theta);
      tp[k]! += h;
      tm[k]! -= h;
      const fp = hostMlp(tp, xHost);
      const fm = hostMlp(tm, xHost);
      for (let i = 0; i < n; i++) jac[i * 10 + k] = (fp[i]! - fm[i]!) / (2 * h);
    }
    const f0 = hostMlp(theta, xHost);
    for (let a = 0; a < 10; a++) {
      for (let b = 0; b < 10; b++) {
        let s = a === b ? 0.5 : 0;
        for (let i = 0; i < n; i++) {
          const p = 1 / (1 + Math.exp(-f0[i]!));
          s += jac[i * 10 + a]! * p * (1 - p) * jac[i * 10 + b]!;
        }
        // float32 Jacobian rows and products: 1e-5 relative to the largest entries (O(1)).
        expect(Math.abs(got[a * 10 + b]! - s)).toBeLessThan(2e-5);
      }
    }
    // PSD: a Cholesky of G − 0.5 I (the data part) + tiny jitter succeeds; laplace with it succeeds
    // for any log density value (the GGN does not look at the Hessian of the log density).
    const logp = (p: typeof params): tf.Tensor => tf.tidy(() => tf.neg(tf.sum(tf.square(apply(p, xs)))));
    const approx = await laplace(logp, params, { hessian: 'ggn', ggn: { apply, inputs: xs, likelihood: 'bernoulli', priorPrecision: 0.5 } });
    expect(approx.dim).toBe(10);
    // A categorical head with K = 2 logits [f, 0] has the same GGN as the Bernoulli head with logit f.
    const applyCat = (p: typeof params, x: tf.Tensor): tf.Tensor => tf.stack([apply(p, x), tf.zeros([n])], 1);
    const gCat = generalizedGaussNewton(params, { apply: applyCat, inputs: xs, likelihood: 'categorical', priorPrecision: 0.5 });
    await expect(gCat).toBeCloseTensor(g, { rtol: 1e-5, atol: 1e-6 });
    await expectNoLeaks(() => generalizedGaussNewton(params, { apply: applyCat, inputs: xs, likelihood: 'categorical', priorPrecision: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1] }));
    approx.dispose();
    tf.dispose([xs, g, gCat, ...Object.values(params)]);
  });
});

describe('laplace errors', () => {
  it('a saddle: names the direction and suggests damping; damping makes it positive definite', async () => {
    // log p = −½ z0² + ½ z1²: curvature −1 along z0 (fine), +1 along z1 (not a maximum).
    const target = (z: tf.Tensor): tf.Tensor => tf.tidy(() => tf.reshape(tf.add(tf.mul(-0.5, tf.square(tf.slice(z, [0, 0], [-1, 1]))), tf.mul(0.5, tf.square(tf.slice(z, [0, 1], [-1, 1])))), [-1]));
    const z = tf.zeros([2]);
    const before = tf.memory().numTensors;
    await expect(laplace(target, z)).rejects.toThrow(/laplace: the negative Hessian .* not positive definite: Cholesky pivot -1 at column 1 .*smallest eigenvalue -1\.000 .*coordinate 1.*damping/);
    expect(tf.memory().numTensors).toBe(before);
    const damped = await laplace(target, z, { damping: 2 });
    expect(Array.from(damped.host.precision.data, (v) => v + 0)).toEqual([3, 0, 0, 1]);
    damped.dispose();
    z.dispose();
  });

  it('a flat direction (no prior): singular precision is an error; bad options are named', async () => {
    const target = (z: tf.Tensor): tf.Tensor => tf.tidy(() => tf.reshape(tf.mul(-0.5, tf.square(tf.sub(tf.slice(z, [0, 0], [-1, 1]), tf.slice(z, [0, 1], [-1, 1])))), [-1]));
    const z = tf.zeros([2]);
    await expect(laplace(target, z)).rejects.toThrow(/not positive definite.*smallest eigenvalue/);
    // A pytree position: the error names the leaf and index.
    const treeTarget = (p: { a: tf.Tensor; b: tf.Tensor }): tf.Tensor => tf.tidy(() => tf.sub(tf.sum(tf.square(p.b)), tf.sum(tf.square(p.a))));
    const pos = { a: tf.zeros([2]), b: tf.zeros([2, 2]) };
    await expect(laplace(treeTarget, pos)).rejects.toThrow(/mostly coordinate \d \(b\[\d, \d\]\)/);
    tf.dispose([pos.a, pos.b]);
    await expect(laplace(target, z, { damping: -1 })).rejects.toThrow(/option 'damping' must be a number >= 0/);
    await expect(laplace(target, z, { hessian: 'ggn' })).rejects.toThrow(/needs option 'ggn'/);
    await expect(laplace(target, tf.zeros([2, 2]))).rejects.toThrow(/float32 vector \[D\]/);
    await expect(findMap(target, z, { optimizer: adam(0.1), steps: -1 })).rejects.toThrow(/findMap: option 'steps'/);
    z.dispose();
  });
});
