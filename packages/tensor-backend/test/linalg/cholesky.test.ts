import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import {
  cholesky,
  choleskyChecked,
  choleskyF64,
  matmulF64,
  matrixF64,
  transposeF64,
  type MatrixF64,
} from '../../src/linalg/index.js';
import { backend, cond1, flat, lcg, maxAbs, onWebGpu, randomSpd, stack, tol32, unstack } from './fixtures.js';

// Device Cholesky (float32) against the float64 host factor of the same float32-rounded matrices.
// Tolerances: tol32(n, κ) = 20·n·u·κ relative to max|L| (see fixtures), κ the 1-norm condition.

const sizes = onWebGpu ? [1, 3, 8] : [1, 2, 5, 16, 33];
const batchN = onWebGpu ? 4 : 6;

async function expectFactorMatches(as: MatrixF64[], batch: number[]): Promise<void> {
  const n = (as[0] as MatrixF64).rows;
  const kappa = Math.max(...as.map(cond1));
  const ref = as.map(choleskyF64);
  const tol = tol32(n, kappa);
  const a = stack(as, batch);
  const l = cholesky(a);
  await expect(l).toBeCloseTensor(flat(ref, [...batch, n, n]), { rtol: tol, atol: tol * maxAbs(ref) });
  // L Lᵀ = A to backward-error accuracy (no κ: Cholesky is backward stable).
  const got = await unstack(l);
  const back = got.map((x) => matmulF64(x, transposeF64(x)));
  const tolA = tol32(n, 1) * maxAbs(as);
  await expect(flat(back, [...batch, n, n])).toBeCloseTensor(flat(as, [...batch, n, n]), { rtol: 0, atol: tolA });
  tf.dispose([a, l]);
}

describe(`cholesky on ${backend}`, () => {
  it('matches the float64 factor for single matrices of several sizes', async () => {
    const rng = lcg(1);
    for (const n of sizes) await expectFactorMatches([randomSpd(rng, n)], []);
  });

  it('matches per batch entry for a [2, 3, n, n] batch', async () => {
    const rng = lcg(2);
    const as = Array.from({ length: 6 }, () => randomSpd(rng, batchN));
    await expectFactorMatches(as, [2, 3]);
  });

  it('keeps float32 accuracy scaled by the condition number (κ ≈ 1e3)', async () => {
    const rng = lcg(3);
    const n = onWebGpu ? 6 : 12;
    const a = randomSpd(rng, n, 0.01);
    expect(cond1(a)).toBeGreaterThan(100);
    await expectFactorMatches([a], []);
  });

  it('is exactly zero above the diagonal and factors (A + Aᵀ)/2 of a non-symmetric input', async () => {
    const rng = lcg(4);
    const n = 5;
    const a = randomSpd(rng, n);
    const skew = matrixF64(n, n, a.data.map((v, k) => v + Math.sign((k % n) - Math.floor(k / n)) * 0.5));
    const l = cholesky(stack([skew], []));
    const [got] = await unstack(l);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(got?.data[i * n + j]).toBe(0);
    const ref = choleskyF64(a); // (skew + skewᵀ)/2 = a exactly
    await expect(l).toBeCloseTensor(flat([ref], [n, n]), { rtol: tol32(n, cond1(a)), atol: tol32(n, cond1(a)) * maxAbs(ref) });
    l.dispose();
  });

  it('accepts nested arrays and refuses non-float32 tensors, naming the dtype', async () => {
    await expect(cholesky([[4, 2], [2, 5]])).toBeCloseTensor([[2, 0], [1, 2]]);
    const i = tf.tensor2d([[9, 3], [3, 5]], undefined, 'int32');
    expect(() => cholesky(i)).toThrow(/cholesky: 'a' must be a float32 tensor, got dtype int32/);
    i.dispose();
  });

  it('puts NaN from the failing column on (on and below the diagonal) and leaves other batch entries alone', async () => {
    const n = 4;
    // A = L0 L0ᵀ with A[2][2] lowered so that the pivot of column 2 is exactly -0.5.
    const l0 = matrixF64(n, n, [2, 0, 0, 0, 1, 3, 0, 0, -1, 0.5, 1, 0, 0.5, 1, 2, 1.5]);
    const good = matmulF64(l0, transposeF64(l0));
    const bad = matrixF64(n, n, good.data);
    bad.data[2 * n + 2] = (bad.data[2 * n + 2] as number) - 1.5; // pivot 1 - 1.5 = -0.5
    const a = stack([good, good, bad, good], [2, 2]);
    const l = cholesky(a);
    const got = await unstack(l);
    const nan = Number.NaN;
    const expectedBad = [2, 0, 0, 0, 1, 3, 0, 0, -1, 0.5, nan, 0, 0.5, 1, nan, nan];
    await expect(Array.from((got[2] as MatrixF64).data)).toBeCloseTensor(expectedBad, { rtol: 1e-6, atol: 1e-6 });
    for (const b of [0, 1, 3]) {
      await expect(Array.from((got[b] as MatrixF64).data)).toBeCloseTensor(Array.from(l0.data), { rtol: 1e-6, atol: 1e-6 });
    }
    // Not positive definite from column 0: everything on and below the diagonal is NaN.
    await expect(cholesky([[-1, 0], [0, 1]])).toBeCloseTensor([[nan, 0], [nan, nan]]);
    tf.dispose([a, l]);
  });

  it('rejects shapes that are not [..., n, n], naming the shape', () => {
    expect(() => cholesky(tf.zeros([2, 3]))).toThrow(/cholesky: 'a' must be .*\[\.\.\., n, n\], got shape \[2, 3\]/);
    expect(() => cholesky(tf.zeros([3]))).toThrow(/got shape \[3\]/);
    expect(() => cholesky(tf.scalar(1))).toThrow(/got shape \[\]/);
    expect(() => cholesky(tf.zeros([4, 2, 3]))).toThrow(/got shape \[4, 2, 3\]/);
  });

  it('leaks nothing, also under tf.grad', async () => {
    const a = stack([randomSpd(lcg(5), 3), randomSpd(lcg(6), 3)], [2]);
    await expectNoLeaks(() => cholesky(a));
    await expectNoLeaks(() => tf.grad((x: tf.Tensor) => tf.sum(cholesky(x)))(a));
    await expectNoLeaks(() => tf.tidy(() => cholesky(tf.zeros([0, 3, 3]))));
    a.dispose();
  });
});

describe(`choleskyChecked on ${backend}`, () => {
  it('resolves to the factor for positive-definite input', async () => {
    const a = randomSpd(lcg(7), 4);
    const l = await choleskyChecked(stack([a], []));
    const ref = choleskyF64(a);
    await expect(l).toBeCloseTensor(flat([ref], [4, 4]), { rtol: tol32(4, cond1(a)), atol: tol32(4, cond1(a)) * maxAbs(ref) });
    l.dispose();
  });

  it('rejects naming the batch index, the column and the pivot', async () => {
    const n = 3;
    const good = randomSpd(lcg(8), n);
    const bad = matrixF64(n, n, [1, 0, 0, 0, 1, 0, 0, 0, -0.25]);
    const a = stack([good, good, good, bad, good, bad], [2, 3]);
    await expect(choleskyChecked(a)).rejects.toThrow(
      /not positive definite at batch index \[1, 0\], column 2 \(0-based\): pivot -0\.25 is not > 0/,
    );
    await expect(choleskyChecked([[1, 2], [2, 1]])).rejects.toThrow(/not positive definite at column 1 \(0-based\): pivot -3 /);
    await expect(choleskyChecked([[1, 0], [0, Number.NaN]])).rejects.toThrow(/column 1 \(0-based\): pivot NaN/);
    await expect(choleskyChecked(tf.zeros([2, 3]))).rejects.toThrow(/got shape \[2, 3\]/);
    a.dispose();
  });

  it('leaks nothing when it resolves or rejects', async () => {
    await expectNoLeaks(() => choleskyChecked([[4, 2], [2, 5]]));
    const before = tf.memory().numTensors;
    await expect(choleskyChecked([[1, 2], [2, 1]])).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
