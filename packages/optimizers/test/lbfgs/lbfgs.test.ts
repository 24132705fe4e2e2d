import * as tf from '@tensorflow/tfjs-core';
import { key, random, split, toFloat64Array, tree, valueAndGrad } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { applyUpdates } from '../../src/apply-updates.js';
import { lbfgs, minimizeLbfgs, scaleByLbfgs, type LbfgsState } from '../../src/lbfgs/index.js';

// ---------- float64 helpers written from the textbook formulas (independent of src) ----------

type Mat = number[][];
const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
const matVec = (m: Mat, v: number[]): number[] => m.map((row) => dot(row, v));
const eye = (n: number, scale = 1): Mat => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? scale : 0)));

/** Solves A x = b by Gaussian elimination with partial pivoting (float64). */
function solve(A: Mat, b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

/**
 * The L-BFGS inverse Hessian as a dense matrix (Nocedal & Wright eq. 7.19): start from gamma·I and
 * apply H ← Vᵀ H V + ρ s sᵀ with V = I − ρ y sᵀ for each stored pair, oldest first.
 */
function denseLbfgsInverse(n: number, pairs: { s: number[]; y: number[] }[], gamma: number): Mat {
  let H = eye(n, gamma);
  for (const { s, y } of pairs) {
    const rho = 1 / dot(s, y);
    const V = eye(n).map((row, i) => row.map((v, j) => v - rho * y[i]! * s[j]!));
    const HV = H.map((row) => V[0]!.map((_, j) => row.reduce((acc, h, k) => acc + h * V[k]![j]!, 0)));
    const VtHV = V[0]!.map((_, i) => V[0]!.map((__, j) => V.reduce((acc, row, k) => acc + row[i]! * HV[k]![j]!, 0)));
    H = VtHV.map((row, i) => row.map((v, j) => v + rho * s[i]! * s[j]!));
  }
  return H;
}

// A well-conditioned SPD quadratic f(w) = ½ wᵀAw − bᵀw over the tree { u: [2], v: [1, 2] }.
const A: Mat = [
  [4, 1, 0, 0.5],
  [1, 3, 0.5, 0],
  [0, 0.5, 2, 0.3],
  [0.5, 0, 0.3, 1.5],
];
const bVec = [1, -2, 0.5, 3];
type QP = {
  u: tf.Tensor;
  v: tf.Tensor;
};
const quadratic = (p: QP): tf.Scalar =>
  tf.tidy(() => {
    const w = tf.concat([p.u, tf.reshape(p.v, [2])]);
    const Aw = tf.reshape(tf.matMul(tf.tensor2d(A), tf.reshape(w, [4, 1])), [4]);
    return tf.sub(tf.mul(0.5, tf.sum(tf.mul(w, Aw))), tf.sum(tf.mul(tf.tensor1d(bVec), w))) as tf.Scalar;
  });
const qpStart = (): QP => ({ u: tf.tensor1d([0.5, -1]), v: tf.tensor2d([[2, 1]]) });
const flatOf = async (p: QP): Promise<number[]> => [...(await toFloat64Array(p.u)), ...(await toFloat64Array(p.v))];

describe('lbfgs / scaleByLbfgs (gradient transformations)', () => {
  it('gives −lr·H_k g_k with H_k the dense L-BFGS inverse Hessian of the last memorySize pairs', async () => {
    const memorySize = 2;
    const lr = 0.4;
    const tx = lbfgs({ memorySize, learningRate: lr });
    let params = qpStart();
    let state = tx.init(params) as LbfgsState;
    const ws: number[][] = [];
    const gs: number[][] = [];
    const vg = valueAndGrad(quadratic);
    for (let k = 0; k < 6; k++) {
      const [v, grads] = vg(params);
      ws.push(await flatOf(params));
      gs.push(await flatOf(grads));
      const [updates, next] = tx.update(grads, state, params);
      // Expected update from the float64 dense recursion over the read-back history.
      const pairs = [];
      for (let j = Math.max(0, k - memorySize); j < k; j++) {
        pairs.push({ s: ws[j + 1]!.map((x, i) => x - ws[j]![i]!), y: gs[j + 1]!.map((x, i) => x - gs[j]![i]!) });
      }
      const gk = gs[k]!;
      const last = pairs[pairs.length - 1];
      const gamma = last === undefined ? Math.min(1, 1 / Math.sqrt(dot(gk, gk))) : dot(last.s, last.y) / dot(last.y, last.y);
      const expected = matVec(denseLbfgsInverse(4, pairs, gamma), gk).map((x) => -lr * x);
      // float32 two-loop against float64 dense algebra on well-conditioned pairs: 1e-4 relative.
      await expect(updates).toBeCloseTree({ u: expected.slice(0, 2), v: [expected.slice(2)] }, { rtol: 1e-4, atol: 1e-5 });
      const newParams = applyUpdates(params, updates);
      tree.dispose([v, grads, updates, params, state]);
      params = newParams;
      state = next;
    }
    await expect(state.count).toBeCloseTensor(6);
    tree.dispose([params, state]);
  });

  it('scaleByLbfgs without scaleInitPrecond starts from the plain gradient', async () => {
    const tx = scaleByLbfgs({ scaleInitPrecond: false });
    const params = { w: tf.tensor1d([1, 2]) };
    const g = { w: tf.tensor1d([3, -4]) };
    const state = tx.init(params);
    const [u, s] = tx.update(g, state, params);
    await expect(u).toBeCloseTree({ w: [3, -4] });
    // With the scaled start, the first direction is g / max(1, ‖g‖) = g / 5.
    const [u2, s2] = scaleByLbfgs().update(g, state, params);
    await expect(u2).toBeCloseTree({ w: [0.6, -0.8] });
    tree.dispose([params, g, state, u, s, u2, s2]);
  });

  it('returns fresh updates and state, leaves nothing behind, and a 1,000-step loop returns to its tensor count', async () => {
    const tx = lbfgs({ memorySize: 3, learningRate: 0.5 });
    const params = qpStart();
    const g = qpStart();
    const state = tx.init(params);
    await expectNoLeaks(() => tx.init(params));
    await expectNoLeaks(() => tx.update(g, state, params));
    const [u, s] = tx.update(g, state, params);
    const oldLeaves = new Set<unknown>([...tree.leaves(state), ...tree.leaves(params), ...tree.leaves(g)]);
    for (const t of [...tree.leaves(u), ...tree.leaves(s)]) expect(oldLeaves.has(t)).toBe(false);
    tree.dispose([u, s, g, state]);

    const before = tf.memory().numTensors;
    const vg = valueAndGrad(quadratic);
    let p = params;
    let st = tx.init(p);
    for (let i = 0; i < 1000; i++) {
      const [v, grads] = vg(p);
      const [updates, next] = tx.update(grads, st, p);
      const np = applyUpdates(p, updates);
      tree.dispose([v, grads, updates, st]);
      if (p !== params) tree.dispose(p);
      p = np;
      st = next;
    }
    const solution = solve(A, bVec);
    // Converges to the minimiser (float32: 1e-4).
    await expect(p).toBeCloseTree({ u: solution.slice(0, 2), v: [solution.slice(2)] }, { atol: 1e-4, rtol: 1e-4 });
    tree.dispose([p, st]);
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose(params);
  });

  it('rejects bad options and a missing params argument', () => {
    expect(() => lbfgs({ memorySize: 0 })).toThrow(/memorySize.*0/);
    expect(() => scaleByLbfgs({ memorySize: 2.5 })).toThrow(/memorySize.*2\.5/);
    expect(() => lbfgs({ learningRate: -1 })).toThrow(/learningRate.*-1/);
    expect(() => lbfgs({ scaleInitPrecond: 'yes' as never })).toThrow(/scaleInitPrecond/);
    const params = { w: tf.tensor1d([1, 2]) };
    const tx = lbfgs();
    const state = tx.init(params);
    expect(() => tx.update(params, state)).toThrow(/needs params/);
    expect(() => tx.update({ w: tf.tensor1d([1, 2, 3]) }, state, { w: tf.tensor1d([1, 2, 3]) })).toThrow(/state is for 2 parameters/);
    tree.dispose([params, state]);
  });
});

// ---------- the minimiser ----------

const rosenbrock = (p: { x: tf.Scalar; y: tf.Scalar }): tf.Scalar =>
  tf.tidy(() => tf.add(tf.mul(100, tf.square(tf.sub(p.y, tf.square(p.x)))), tf.square(tf.sub(1, p.x))) as tf.Scalar);

describe('minimizeLbfgs', () => {
  it('takes Rosenbrock from (−1.2, 1) to (1, 1) within 100 iterations (zoom line search)', async () => {
    const start = { x: tf.scalar(-1.2), y: tf.scalar(1) };
    const r = await minimizeLbfgs(rosenbrock, start, { maxIterations: 100 });
    // The minimum is exactly representable; float32 gradients near it are accurate to ~1e-5, so 1e-4.
    await expect(r.params).toBeCloseTree({ x: 1, y: 1 }, { atol: 1e-4, rtol: 0 });
    expect(r.iterations).toBeLessThanOrEqual(100);
    expect(r.value).toBeLessThan(1e-8);
    tree.dispose([start, r.params]);
  });

  it('minimises a 4-d quadratic in about n + 1 iterations, with either line search', async () => {
    const solution = solve(A, bVec);
    const iters: number[] = [];
    for (const [lineSearch, c2] of [['zoom', 0.9], ['zoom', 1e-3], ['backtracking', 0.9]] as const) {
      const start = qpStart();
      const r = await minimizeLbfgs(quadratic, start, { lineSearch, tolerance: 1e-5, c2, c1: 1e-4 });
      // ‖x − x*‖ ≤ ‖g‖ / λmin(A) ≤ 1e-5 / 1.19 at the stopping point, plus float32 round-off: atol 2e-5.
      await expect(r.params).toBeCloseTree({ u: solution.slice(0, 2), v: [solution.slice(2)] }, { atol: 2e-5, rtol: 0 });
      expect(r.converged).toBe(true);
      expect(r.reason).toBe('gradient');
      expect(r.gradNorm).toBeLessThanOrEqual(1e-5);
      // min f = −½ bᵀA⁻¹b
      expect(r.value).toBeCloseTo(-0.5 * dot(bVec, solution), 5);
      iters.push(r.iterations);
      tree.dispose([start, r.params]);
    }
    // With a near-exact line search (c2 = 1e-3) BFGS-type methods end on a quadratic in n steps
    // (Nocedal & Wright, Thm. 6.4 / conjugate directions); n = 4, plus one for float32 round-off.
    expect(iters[1]).toBeLessThanOrEqual(5);
    // With the default inexact search (unit steps accepted at c2 = 0.9) it takes a few more.
    expect(iters[0]).toBeLessThanOrEqual(12);
    expect(iters[2]).toBeLessThanOrEqual(12);
  });

  it('finds the logistic-regression MAP that a float64 Newton solve finds', async () => {
    const [kx, kw, ky] = split(key(0), 3);
    const n = 200;
    const X = tf.tidy(() => tf.concat([tf.ones([n, 1]), random.normal(kx!, [n, 2])], 1)) as tf.Tensor2D;
    const wTrue = tf.tidy(() => tf.mul(random.normal(kw!, [3]), 1.5));
    const y = tf.tidy(() => tf.cast(random.bernoulli(ky!, tf.sigmoid(tf.reshape(tf.matMul(X, tf.reshape(wTrue, [3, 1])), [n]))), 'float32'));
    const alpha = 0.5;
    // Negative log posterior: Σ softplus(z) − y z + ½ α ‖w‖², z = X w (stable in float32).
    const negLogPost = (p: { w: tf.Tensor }): tf.Scalar =>
      tf.tidy(() => {
        const z = tf.reshape(tf.matMul(X, tf.reshape(p.w, [3, 1])), [n]);
        return tf.add(tf.sum(tf.sub(tf.softplus(z), tf.mul(y, z))), tf.mul(0.5 * alpha, tf.sum(tf.square(p.w)))) as tf.Scalar;
      });
    // Newton in float64 on the host.
    const xs = Array.from(await toFloat64Array(X));
    const ys = Array.from(await toFloat64Array(y));
    let w = [0, 0, 0];
    for (let it = 0; it < 50; it++) {
      const grad = w.map((wi) => alpha * wi);
      const H = eye(3, alpha);
      for (let i = 0; i < n; i++) {
        const xi = xs.slice(3 * i, 3 * i + 3);
        const p = 1 / (1 + Math.exp(-dot(xi, w)));
        for (let a = 0; a < 3; a++) {
          grad[a]! += (p - ys[i]!) * xi[a]!;
          for (let b = 0; b < 3; b++) H[a]![b]! += p * (1 - p) * xi[a]! * xi[b]!;
        }
      }
      const step = solve(H, grad);
      w = w.map((wi, i) => wi - step[i]!);
      if (Math.sqrt(dot(step, step)) < 1e-14) break;
    }
    for (const lineSearch of ['zoom', 'backtracking'] as const) {
      const start = { w: tf.zeros([3]) };
      const r = await minimizeLbfgs(negLogPost, start, { lineSearch, tolerance: 1e-5 });
      // Stopped at ‖g‖ ≤ 1e-5; the Hessian's smallest eigenvalue is O(10) (200 rows, α = 0.5), so
      // the float32 answer is within ~1e-6 of the float64 Newton solution: atol 1e-5.
      await expect(r.params).toBeCloseTree({ w }, { atol: 1e-5, rtol: 0 });
      expect(r.converged).toBe(true);
      expect(r.iterations).toBeLessThan(30);
      tree.dispose([start, r.params]);
    }
    tree.dispose([X, wTrue, y]);
  });

  it('maximises an objective through minimizeLbfgs((p) => tf.neg(objective(p)))', async () => {
    const objective = (p: { m: tf.Tensor }): tf.Scalar =>
      tf.tidy(() => tf.add(tf.neg(tf.sum(tf.square(tf.sub(p.m, tf.tensor1d([3, -1]))))), 2) as tf.Scalar);
    const start = { m: tf.zeros([2]) };
    const r = await minimizeLbfgs((p: { m: tf.Tensor }) => tf.neg(objective(p)), start);
    await expect(r.params).toBeCloseTree({ m: [3, -1] }, { atol: 1e-5 });
    expect(-r.value).toBeCloseTo(2, 6); // the maximum of the objective
    tree.dispose([start, r.params]);
  });

  it('leaves nothing behind and does not dispose its input', async () => {
    const start = { x: tf.scalar(-1.2), y: tf.scalar(1) };
    await expectNoLeaks(() => minimizeLbfgs(rosenbrock, start, { maxIterations: 20 }));
    await expectNoLeaks(() => minimizeLbfgs(rosenbrock, start, { maxIterations: 20, lineSearch: 'backtracking' }));
    await expectNoLeaks(() => minimizeLbfgs(rosenbrock, start, { maxIterations: 0 }));
    expect(start.x.isDisposed).toBe(false);
    // Errors thrown mid-run leave nothing behind either.
    await expectNoLeaks(async () => {
      await expect(minimizeLbfgs(() => tf.ones([2]), start)).rejects.toThrow(/shape \[2\]/);
    });
    tree.dispose(start);
  });

  it('rejects a non-scalar f, a non-finite start and bad options', async () => {
    const start = { w: tf.zeros([2]) };
    await expect(minimizeLbfgs((p: { w: tf.Tensor }) => tf.mul(p.w, 2), start)).rejects.toThrow(/scalar tensor \(shape \[\]\), got shape \[2\]/);
    await expect(minimizeLbfgs((p: { w: tf.Tensor }) => tf.div(tf.sum(p.w), 0), start)).rejects.toThrow(/not finite at the initial params/);
    await expect(minimizeLbfgs('f' as never, start)).rejects.toThrow(/'f' must be a function/);
    const f = (p: { w: tf.Tensor }) => tf.sum(tf.square(p.w));
    await expect(minimizeLbfgs(f, start, { maxIterations: -1 })).rejects.toThrow(/maxIterations.*-1/);
    await expect(minimizeLbfgs(f, start, { memorySize: 0 })).rejects.toThrow(/memorySize.*0/);
    await expect(minimizeLbfgs(f, start, { tolerance: -1 })).rejects.toThrow(/tolerance.*-1/);
    await expect(minimizeLbfgs(f, start, { lineSearch: 'exact' as never })).rejects.toThrow(/lineSearch.*exact/);
    await expect(minimizeLbfgs(f, start, { c1: 0.5, c2: 0.1 })).rejects.toThrow(/c2/);
    tree.dispose(start);
  });
});
