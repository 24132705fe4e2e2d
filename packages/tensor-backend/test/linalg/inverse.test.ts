import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { identityF64, inverse, inverseF64, matmulF64, type MatrixF64 } from '../../src/linalg/index.js';
import { backend, cond1, flat, lcg, maxAbs, onWebGpu, randomMatrix, stack, tol32, unstack } from './fixtures.js';

// Device Gauss–Jordan inverse (float32) against inverseF64 on the same float32 inputs; general
// (non-symmetric) matrices, some needing pivoting. Tolerance tol32(n, κ) relative to max|A⁻¹|, and
// the residual A A⁻¹ − I within tol32(n, κ).

const sizes = onWebGpu ? [2, 3, 6] : [2, 3, 7, 20];

/**
 * 2·(cyclic shift) + uniform noise / m: κ ≤ about 3, a zero leading entry and small diagonal
 * entries, so elimination without row exchanges would fail or lose accuracy.
 */
function general(rng: () => number, m: number): MatrixF64 {
  const a = randomMatrix(rng, m, m);
  for (let i = 0; i < a.data.length; i++) a.data[i] = Math.fround((a.data[i] as number) / m);
  for (let i = 0; i < m; i++) a.data[i * m + ((i + 1) % m)] = Math.fround((a.data[i * m + ((i + 1) % m)] as number) + 2);
  a.data[0] = 0;
  return a;
}

async function expectInverse(as: MatrixF64[], batch: number[]): Promise<void> {
  const m = (as[0] as MatrixF64).rows;
  const kappa = Math.max(...as.map(cond1));
  const tol = tol32(m, kappa);
  const expected = as.map(inverseF64);
  const a = stack(as, batch);
  const inv = inverse(a);
  await expect(inv).toBeCloseTensor(flat(expected, [...batch, m, m]), { rtol: tol, atol: tol * maxAbs(expected) });
  const got = await unstack(inv);
  got.forEach((g, i) => {
    const r = matmulF64(as[i] as MatrixF64, g);
    const eye = identityF64(m);
    r.data.forEach((v, j) => expect(Math.abs(v - (eye.data[j] as number))).toBeLessThanOrEqual(tol));
  });
  tf.dispose([a, inv]);
}

describe(`inverse on ${backend}`, () => {
  it('matches the float64 inverse and gives A A⁻¹ = I for several sizes', async () => {
    const rng = lcg(31);
    for (const m of sizes) await expectInverse([general(rng, m)], []);
  });

  it('inverts a [2, 3, n, n] batch', async () => {
    const rng = lcg(32);
    await expectInverse(Array.from({ length: 6 }, () => general(rng, onWebGpu ? 4 : 6)), [2, 3]);
  });

  it('needs and does pivoting: permutations, a zero leading entry', async () => {
    await expect(inverse([[0, 1], [1, 0]])).toBeCloseTensor([[0, 1], [1, 0]]);
    await expect(inverse([[0, 0, 2], [1, 0, 0], [0, 4, 0]])).toBeCloseTensor([[0, 1, 0], [0, 0, 0.25], [0.5, 0, 0]]);
    // Without pivoting, the tiny pivot 1e-7 would lose every digit of the answer.
    const d = 1 - 1e-7;
    await expect(inverse([[1e-7, 1], [1, 1]])).toBeCloseTensor([[-1 / d, 1 / d], [1 / d, -1e-7 / d]], { rtol: 1e-6, atol: 1e-6 });
    await expect(inverse([[4]])).toBeCloseTensor([[0.25]]);
  });

  it('makes the whole inverse NaN for an exactly singular batch entry, leaving the others alone', async () => {
    const nan = Number.NaN;
    const a = tf.tensor([[[1, 2], [2, 4]], [[2, 1], [1, 1]], [[0, 0], [0, 3]]]);
    await expect(inverse(a)).toBeCloseTensor([[[nan, nan], [nan, nan]], [[1, -1], [-1, 2]], [[nan, nan], [nan, nan]]]);
    await expect(inverse([[0]])).toBeCloseTensor([[nan]]);
    await expect(inverse(tf.zeros([3, 3]))).toBeCloseTensor(new Array(3).fill(new Array(3).fill(nan)));
    a.dispose();
  });

  it('rejects shapes that are not [..., n, n]', () => {
    expect(() => inverse(tf.zeros([2, 3]))).toThrow(/inverse: 'a' must be .*got shape \[2, 3\]/);
    expect(() => inverse(tf.zeros([5]))).toThrow(/got shape \[5\]/);
  });

  it('leaks nothing, also under tf.grad', async () => {
    const a = tf.tensor([[[2, 1], [1, 3]], [[0, 1], [1, 0]]]);
    await expectNoLeaks(() => inverse(a));
    await expectNoLeaks(() => tf.grad((x: tf.Tensor) => tf.sum(inverse(x)))(a));
    await expectNoLeaks(() => inverse([[0]]));
    a.dispose();
  });
});
