import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import {
  matmulF64,
  matrixF64,
  transposeF64,
  triangularSolve,
  triangularSolveF64,
  type MatrixF64,
} from '../../src/linalg/index.js';
import {
  backend,
  broadcastIndex,
  cond1,
  flat,
  lcg,
  maxAbs,
  onWebGpu,
  randomLower,
  randomMatrix,
  stack,
  tol32,
  unstack,
} from './fixtures.js';

// Device triangular solves (float32) against triangularSolveF64 on the same float32 inputs, for all
// eight option combinations, batched with broadcasting. Triangular matrices are Cholesky factors of
// well-conditioned SPD matrices (random triangular matrices are exponentially ill-conditioned).
// Tolerance tol32(n, κ(A)) relative to max|X| (see fixtures).

const n = onWebGpu ? 4 : 7;
const k = onWebGpu ? 2 : 3;

/** A triangular matrix whose unused triangle is filled with NaN: it must never be read. */
function withGarbage(t: MatrixF64, lower: boolean): MatrixF64 {
  const m = t.rows;
  return matrixF64(m, m, t.data.map((v, idx) => {
    const i = Math.floor(idx / m);
    const j = idx % m;
    return (lower ? j > i : j < i) ? Number.NaN : v;
  }));
}

const combos = [true, false].flatMap((lower) =>
  [false, true].flatMap((transpose) => [true, false].map((left) => ({ lower, transpose, left }))),
);

describe(`triangularSolve on ${backend}`, () => {
  for (const opts of combos) {
    it(`matches the float64 solve, batched with broadcasting (${JSON.stringify(opts)})`, async () => {
      const rng = lcg(100 + combos.indexOf(opts));
      const cases: [number[], number[]][] = onWebGpu
        ? [[[2, 1], [3]]]
        : [[[], []], [[2, 1], [3]], [[], [2, 3]], [[2, 3], []], [[2, 3], [2, 3]]];
      for (const [aBatch, bBatch] of cases) {
        const rank = Math.max(aBatch.length, bBatch.length);
        const full = Array.from({ length: rank }, (_, i) =>
          Math.max(aBatch[i - rank + aBatch.length] ?? 1, bBatch[i - rank + bBatch.length] ?? 1),
        );
        const count = (s: number[]): number => s.reduce((p, d) => p * d, 1);
        const as = Array.from({ length: count(aBatch) }, () => {
          const l = randomLower(rng, n);
          return opts.lower ? l : transposeF64(l);
        });
        const bs = Array.from({ length: count(bBatch) }, () => (opts.left ? randomMatrix(rng, n, k) : randomMatrix(rng, k, n)));
        const expected: MatrixF64[] = [];
        for (let f = 0; f < count(full); f++) {
          const a = as[broadcastIndex(full, aBatch, f)] as MatrixF64;
          const b = bs[broadcastIndex(full, bBatch, f)] as MatrixF64;
          expected.push(triangularSolveF64(a, b, opts));
        }
        const kappa = Math.max(...as.map(cond1));
        const tol = tol32(n, kappa);
        const at = stack(as.map((a) => withGarbage(a, opts.lower)), aBatch);
        const bt = stack(bs, bBatch);
        const x = triangularSolve(at, bt, opts);
        const shape = [...full, ...(opts.left ? [n, k] : [k, n])];
        expect(x.shape).toEqual(shape);
        await expect(x).toBeCloseTensor(flat(expected, shape), { rtol: tol, atol: tol * maxAbs(expected) });
        // Identity: op(A) X = B (or X op(A) = B) to backward-error accuracy.
        const got = await unstack(x);
        got.forEach((xi, f) => {
          const a = as[broadcastIndex(full, aBatch, f)] as MatrixF64;
          const b = bs[broadcastIndex(full, bBatch, f)] as MatrixF64;
          const opA = opts.transpose ? transposeF64(a) : a;
          const back = opts.left ? matmulF64(opA, xi) : matmulF64(xi, opA);
          const scale = maxAbs(a) * maxAbs(xi) * n;
          back.data.forEach((v, i) => expect(Math.abs(v - (b.data[i] as number))).toBeLessThanOrEqual(tol32(n, 1) * scale));
        });
        tf.dispose([at, bt, x]);
      }
    });
  }

  it('solves 1 × 1 systems and gives Inf/NaN for a zero diagonal (no error)', async () => {
    await expect(triangularSolve([[2]], [[3, -4]])).toBeCloseTensor([[1.5, -2]]);
    const x = triangularSolve([[1, 0], [1, 0]], [[1], [1]]);
    const v = await x.data();
    expect(v[0]).toBe(1);
    expect(Number.isFinite(v[1] as number)).toBe(false);
    x.dispose();
  });

  it('rejects bad shapes, naming them', () => {
    const a = tf.zeros([3, 3]);
    expect(() => triangularSolve(tf.zeros([3, 2]), tf.zeros([3, 1]))).toThrow(/'a' must be .*got shape \[3, 2\]/);
    expect(() => triangularSolve(a, tf.zeros([2, 1]))).toThrow(
      /'b' must have shape \[\.\.\., 3, k\] to match 'a' \[3, 3\].*got shape \[2, 1\]/,
    );
    expect(() => triangularSolve(a, tf.zeros([3, 2]), { left: false })).toThrow(/'b' must have shape \[\.\.\., k, 3\]/);
    expect(() => triangularSolve(a, tf.zeros([3]))).toThrow(/a vector is \[\.\.\., n, 1\].*got shape \[3\]/);
    expect(() => triangularSolve(tf.zeros([2, 3, 3]), tf.zeros([4, 3, 1]))).toThrow(/batch dimensions \[2\] and \[4\] do not broadcast/);
    a.dispose();
  });

  it('leaks nothing, also under tf.grads', async () => {
    const a = tf.tensor([[2, 0], [1, 3]]);
    const bLeft = tf.tensor([[[1], [2]], [[3], [4]]]);
    const bRight = tf.tensor([[[1, 2]], [[3, 4]]]);
    for (const opts of combos) {
      const b = opts.left ? bLeft : bRight;
      await expectNoLeaks(() => triangularSolve(a, b, opts));
      await expectNoLeaks(() => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(triangularSolve(x, y, opts)))([a, b]));
    }
    tf.dispose([a, bLeft, bRight]);
  });
});
