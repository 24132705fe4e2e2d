import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import {
  choleskyF64,
  choleskyInverse,
  choleskyInverseF64,
  choleskySolve,
  choleskySolveF64,
  logDetFromCholesky,
  logDetFromCholeskyF64,
  matmulF64,
  type MatrixF64,
} from '../../src/linalg/index.js';
import { backend, broadcastIndex, cond1, flat, lcg, maxAbs, onWebGpu, randomMatrix, randomSpd, stack, tol32, unstack } from './fixtures.js';

// Device solves with a Cholesky factor against the float64 host versions on the same float32
// factor; tolerances tol32(n, κ(A)) relative to the largest entry (see fixtures).

const n = onWebGpu ? 4 : 8;

function factors(seed: number, count: number, size = n): { as: MatrixF64[]; ls: MatrixF64[] } {
  const rng = lcg(seed);
  const as = Array.from({ length: count }, () => randomSpd(rng, size));
  // The factor as float32, so host and device start from the same numbers.
  const ls = as.map((a) => {
    const l = choleskyF64(a);
    return { ...l, data: l.data.map(Math.fround) };
  });
  return { as, ls };
}

describe(`choleskySolve on ${backend}`, () => {
  it('matches the float64 solve with broadcasting, and A X = B', async () => {
    const { as, ls } = factors(21, 2);
    const rng = lcg(22);
    const k = 3;
    const bs = Array.from({ length: 3 }, () => randomMatrix(rng, n, k));
    const full = [2, 3];
    const expected = Array.from({ length: 6 }, (_, f) =>
      choleskySolveF64(ls[broadcastIndex(full, [2, 1], f)] as MatrixF64, bs[broadcastIndex(full, [3], f)] as MatrixF64),
    );
    const tol = tol32(n, Math.max(...as.map(cond1)));
    const l = stack(ls, [2, 1]);
    const b = stack(bs, [3]);
    const x = choleskySolve(l, b);
    await expect(x).toBeCloseTensor(flat(expected, [2, 3, n, k]), { rtol: tol, atol: tol * maxAbs(expected) });
    const got = await unstack(x);
    got.forEach((xi, f) => {
      const back = matmulF64(as[broadcastIndex(full, [2, 1], f)] as MatrixF64, xi);
      const bi = bs[broadcastIndex(full, [3], f)] as MatrixF64;
      const scale = maxAbs(as) * maxAbs(xi) * n;
      back.data.forEach((v, i) => expect(Math.abs(v - (bi.data[i] as number))).toBeLessThanOrEqual(tol32(n, 1) * scale));
    });
    tf.dispose([l, b, x]);
  });

  it('rejects shapes that do not fit', () => {
    expect(() => choleskySolve(tf.zeros([3, 3]), tf.zeros([2, 1]))).toThrow(
      /choleskySolve: 'b' must have shape \[\.\.\., 3, k\].*got shape \[2, 1\]/,
    );
    expect(() => choleskySolve(tf.zeros([3, 2]), tf.zeros([3, 1]))).toThrow(/'l' must be .*got shape \[3, 2\]/);
  });
});

describe(`choleskyInverse on ${backend}`, () => {
  it('matches the float64 inverse of L Lᵀ and is exactly symmetric', async () => {
    const { as, ls } = factors(23, 6);
    const expected = ls.map(choleskyInverseF64);
    const tol = tol32(n, Math.max(...as.map(cond1)));
    const l = stack(ls, [2, 3]);
    const inv = choleskyInverse(l);
    await expect(inv).toBeCloseTensor(flat(expected, [2, 3, n, n]), { rtol: tol, atol: tol * maxAbs(expected) });
    for (const m of await unstack(inv)) {
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(m.data[i * n + j]).toBe(m.data[j * n + i]);
    }
    tf.dispose([l, inv]);
  });
});

describe(`logDetFromCholesky on ${backend}`, () => {
  it('matches 2 Σ log diag in float64, batched, reading only the diagonal', async () => {
    const { ls } = factors(24, 6);
    const expected = ls.map(logDetFromCholeskyF64);
    // Garbage above the diagonal must not be read.
    const withNan = ls.map((l) => ({ ...l, data: l.data.map((v, i) => (i % n > Math.floor(i / n) ? Number.NaN : v)) }));
    const l = stack(withNan, [2, 3]);
    const ld = logDetFromCholesky(l);
    expect(ld.shape).toEqual([2, 3]);
    // Each log is good to ~u relative; the sum of n of them to n·u·max|log|.
    const atol = 4 * n * 2 ** -24 * Math.max(...expected.map(Math.abs));
    await expect(ld).toBeCloseTensor([expected.slice(0, 3), expected.slice(3)], { rtol: 1e-6, atol });
    await expect(logDetFromCholesky([[2, 0], [5, 3]])).toBeCloseTensor(2 * Math.log(6), { rtol: 1e-6 });
    await expect(logDetFromCholesky([[0, 0], [1, 1]])).toBeCloseTensor(Number.NEGATIVE_INFINITY);
    tf.dispose([l, ld]);
  });

  it('rejects non-square input', () => {
    expect(() => logDetFromCholesky(tf.zeros([2, 3]))).toThrow(/logDetFromCholesky: 'l' must be .*got shape \[2, 3\]/);
  });
});

describe(`leaks on ${backend}`, () => {
  it('choleskySolve, choleskyInverse and logDetFromCholesky leak nothing, also under tf.grads', async () => {
    const l = tf.tensor([[[2, 0], [1, 3]], [[1, 0], [0.5, 2]]]);
    const b = tf.tensor([[1, 2], [3, 4]]);
    await expectNoLeaks(() => choleskySolve(l, b));
    await expectNoLeaks(() => choleskyInverse(l));
    await expectNoLeaks(() => logDetFromCholesky(l));
    await expectNoLeaks(() => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(choleskySolve(x, y)))([l, b]));
    await expectNoLeaks(() => tf.grad((x: tf.Tensor) => tf.sum(choleskyInverse(x)))(l));
    await expectNoLeaks(() => tf.grad((x: tf.Tensor) => tf.sum(logDetFromCholesky(x)))(l));
    tf.dispose([l, b]);
  });
});
