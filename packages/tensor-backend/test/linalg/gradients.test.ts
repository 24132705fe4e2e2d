import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  cholesky,
  choleskyF64,
  choleskyInverse,
  choleskyInverseF64,
  choleskySolve,
  choleskySolveF64,
  inverse,
  inverseF64,
  logDetFromCholesky,
  logDetFromCholeskyF64,
  matrixF64,
  transposeF64,
  triangularSolve,
  triangularSolveF64,
  type MatrixF64,
} from '../../src/linalg/index.js';
import {
  backend,
  broadcastIndex,
  centralDiff,
  concat,
  cond1,
  lcg,
  onWebGpu,
  randomLower,
  randomMatrix,
  randomSpd,
  split,
  stack,
  tol32,
  weightedSum,
} from './fixtures.js';

// Every custom gradient against (1) a float64 central finite difference of the float64 host
// version of the same scalar function Σ W ∘ f(·), for a fixed random weight W, and (2) where it is
// short to write, tf's own autodiff of a naive version built from elementary ops. The finite
// difference (step 1e-6, float64) is accurate to ~1e-9, so the float32 gradient dominates the
// error: tol32(n, κ) (see fixtures) relative to the largest gradient entry.

const n = onWebGpu ? 3 : 5;

async function expectGrad(got: tf.Tensor, expected: Float64Array, tol: number): Promise<void> {
  const scale = Math.max(...Array.from(expected, Math.abs));
  await expect(got).toBeCloseTensor(Array.from(expected), { rtol: tol, atol: tol * scale, checkShape: false });
  expect(got.size).toBe(expected.length);
}

/** Cholesky with one elementary op per entry (the textbook algorithm) on (A + Aᵀ)/2, for autodiff. */
function naiveCholesky(a: tf.Tensor2D): tf.Tensor2D {
  const m = a.shape[0];
  const s = tf.mul(tf.add(a, tf.transpose(a)), 0.5);
  const at = (i: number, j: number): tf.Tensor => tf.reshape(tf.slice(s, [i, j], [1, 1]), []);
  const l: tf.Tensor[][] = Array.from({ length: m }, () => new Array<tf.Tensor>(m));
  for (let j = 0; j < m; j++) {
    let d = at(j, j);
    for (let k = 0; k < j; k++) d = tf.sub(d, tf.square(l[j]![k]!));
    const ljj = tf.sqrt(d);
    l[j]![j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let v = at(i, j);
      for (let k = 0; k < j; k++) v = tf.sub(v, tf.mul(l[i]![k]!, l[j]![k]!));
      l[i]![j] = tf.div(v, ljj);
    }
    for (let i = 0; i < j; i++) l[i]![j] = tf.scalar(0);
  }
  return tf.stack(l.map((row) => tf.stack(row))) as tf.Tensor2D;
}

describe(`cholesky gradient on ${backend}`, () => {
  // choleskyF64 reads (A + Aᵀ)/2, so its finite difference in one entry is the gradient of the
  // symmetrised function, which is what cholesky's gradient promises.
  it('matches a float64 finite difference, batched (perturbing single entries of the symmetrised input)', async () => {
    const rng = lcg(41);
    const as = [randomSpd(rng, n), randomSpd(rng, n)];
    const ws = [randomMatrix(rng, n, n), randomMatrix(rng, n, n)];
    const fd = centralDiff((x) => weightedSum(ws, split(x, 2, n, n).map(choleskyF64)), concat(as));
    const a = stack(as, [2]);
    const w = stack(ws, [2]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(w, cholesky(x))))(a);
    expect(g.shape).toEqual([2, n, n]);
    await expectGrad(g, fd, tol32(n, Math.max(...as.map(cond1))));
    tf.dispose([a, w, g]);
  });

  it("matches tf's autodiff of the textbook algorithm", async () => {
    const rng = lcg(42);
    const m = onWebGpu ? 3 : 4;
    const a = stack([randomSpd(rng, m)], []) as tf.Tensor2D;
    const w = stack([randomMatrix(rng, m, m)], []);
    const custom = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(w, cholesky(x))))(a);
    const naive = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(w, naiveCholesky(x as tf.Tensor2D))))(a);
    await expect(custom).toBeCloseTensor(naive, { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([a, w, custom, naive]);
  });

  it('gives d log det A / dA = A⁻¹ through logDetFromCholesky ∘ cholesky', async () => {
    const a64 = randomSpd(lcg(43), n);
    const a = stack([a64], []);
    const g = tf.grad((x: tf.Tensor) => logDetFromCholesky(cholesky(x)))(a);
    await expectGrad(g, inverseF64(a64).data, tol32(n, cond1(a64)));
    tf.dispose([a, g]);
  });
});

const combos = [true, false].flatMap((lower) =>
  [false, true].flatMap((transpose) => [true, false].map((left) => ({ lower, transpose, left }))),
);

describe(`triangularSolve gradient on ${backend}`, () => {
  for (const opts of combos) {
    it(`matches a float64 finite difference for a and b, with broadcasting (${JSON.stringify(opts)})`, async () => {
      const rng = lcg(50 + combos.indexOf(opts));
      const k = 2;
      const aBatch = [2, 1];
      const bBatch = [3];
      const full = [2, 3];
      const as = Array.from({ length: 2 }, () => {
        const l = randomLower(rng, n);
        return opts.lower ? l : transposeF64(l);
      });
      const [br, bc] = opts.left ? [n, k] : [k, n];
      const bs = Array.from({ length: 3 }, () => randomMatrix(rng, br, bc));
      const ws = Array.from({ length: 6 }, () => randomMatrix(rng, br, bc));
      const f = (aList: MatrixF64[], bList: MatrixF64[]): number =>
        weightedSum(
          ws,
          Array.from({ length: 6 }, (_, i) =>
            triangularSolveF64(aList[broadcastIndex(full, aBatch, i)]!, bList[broadcastIndex(full, bBatch, i)]!, opts),
          ),
        );
      const fdA = centralDiff((x) => f(split(x, 2, n, n), bs), concat(as));
      const fdB = centralDiff((x) => f(as, split(x, 3, br, bc)), concat(bs));
      const a = stack(as, aBatch);
      const b = stack(bs, bBatch);
      const w = stack(ws, full);
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(w, triangularSolve(x, y, opts))))([a, b]);
      expect(ga?.shape).toEqual(a.shape);
      expect(gb?.shape).toEqual(b.shape);
      const tol = tol32(n, Math.max(...as.map(cond1)));
      await expectGrad(ga!, fdA, tol);
      await expectGrad(gb!, fdB, tol);
      tf.dispose([a, b, w, ga!, gb!]);
    });
  }

  it("matches tf's autodiff of forward substitution", async () => {
    const rng = lcg(59);
    const m = 3;
    const a = stack([randomLower(rng, m)], []);
    const b = stack([randomMatrix(rng, m, 2)], []);
    const w = stack([randomMatrix(rng, m, 2)], []);
    const naiveSolve = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => {
      const rows: tf.Tensor[] = [];
      for (let i = 0; i < m; i++) {
        let r = tf.slice(y, [i, 0], [1, 2]);
        for (let j = 0; j < i; j++) r = tf.sub(r, tf.mul(tf.slice(x, [i, j], [1, 1]), rows[j]!));
        rows.push(tf.div(r, tf.slice(x, [i, i], [1, 1])));
      }
      return tf.concat(rows, 0);
    };
    const custom = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(w, triangularSolve(x, y))))([a, b]);
    const naive = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(w, naiveSolve(x, y))))([a, b]);
    await expect(custom).toBeCloseTree(naive, { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([a, b, w, ...custom, ...naive]);
  });
});

describe(`choleskySolve, choleskyInverse and logDetFromCholesky gradients on ${backend}`, () => {
  it('choleskySolve matches a float64 finite difference for l and b', async () => {
    const rng = lcg(61);
    const l64 = randomLower(rng, n);
    const b64 = randomMatrix(rng, n, 2);
    const w64 = randomMatrix(rng, n, 2);
    const fdL = centralDiff((x) => weightedSum([w64], [choleskySolveF64(matrixF64(n, n, x), b64)]), l64.data);
    const fdB = centralDiff((x) => weightedSum([w64], [choleskySolveF64(l64, matrixF64(n, 2, x))]), b64.data);
    const [l, b, w] = [stack([l64], []), stack([b64], []), stack([w64], [])];
    const [gl, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(w, choleskySolve(x, y))))([l, b]);
    // Two solves with L: κ(L Lᵀ) = κ(L)².
    const kappa = cond1(l64) ** 2;
    await expectGrad(gl!, fdL, tol32(n, kappa));
    await expectGrad(gb!, fdB, tol32(n, kappa));
    tf.dispose([l, b, w, gl!, gb!]);
  });

  it('choleskyInverse matches a float64 finite difference', async () => {
    const rng = lcg(62);
    const l64 = randomLower(rng, n);
    const w64 = randomMatrix(rng, n, n);
    const fd = centralDiff((x) => weightedSum([w64], [choleskyInverseF64(matrixF64(n, n, x))]), l64.data);
    const [l, w] = [stack([l64], []), stack([w64], [])];
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(w, choleskyInverse(x))))(l);
    await expectGrad(g, fd, tol32(n, cond1(l64) ** 2));
    tf.dispose([l, w, g]);
  });

  it('logDetFromCholesky gives 2 / Lᵢᵢ on the diagonal and 0 elsewhere (and matches a finite difference)', async () => {
    const rng = lcg(63);
    const l64 = randomLower(rng, n);
    const l = stack([l64], []);
    const g = tf.grad((x: tf.Tensor) => logDetFromCholesky(x))(l);
    const exact = l64.data.map((v, i) => (i % (n + 1) === 0 ? 2 / v : 0));
    await expectGrad(g, exact, 1e-6);
    const fd = centralDiff((x) => logDetFromCholeskyF64(matrixF64(n, n, x)), l64.data);
    await expectGrad(g, fd, 1e-6);
    tf.dispose([l, g]);
  });
});

describe(`inverse gradient on ${backend}`, () => {
  it('matches a float64 finite difference, batched', async () => {
    const rng = lcg(71);
    const make = (): MatrixF64 => {
      const a = randomMatrix(rng, n, n);
      for (let i = 0; i < n; i++) a.data[i * n + i] = Math.fround((a.data[i * n + i] as number) + 3);
      return a;
    };
    const as = [make(), make()];
    const ws = [randomMatrix(rng, n, n), randomMatrix(rng, n, n)];
    const fd = centralDiff((x) => weightedSum(ws, split(x, 2, n, n).map(inverseF64)), concat(as));
    const [a, w] = [stack(as, [2]), stack(ws, [2])];
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(w, inverse(x))))(a);
    await expectGrad(g, fd, tol32(n, Math.max(...as.map(cond1))));
    tf.dispose([a, w, g]);
  });

  it("matches tf's autodiff of the 3 × 3 adjugate formula", async () => {
    const rng = lcg(72);
    const a64 = randomMatrix(rng, 3, 3);
    for (let i = 0; i < 3; i++) a64.data[i * 4] = Math.fround((a64.data[i * 4] as number) + 2);
    const a = stack([a64], []);
    const w = stack([randomMatrix(rng, 3, 3)], []);
    const adjugateInverse = (x: tf.Tensor): tf.Tensor => {
      const e = (i: number, j: number): tf.Tensor => tf.reshape(tf.slice(x, [i, j], [1, 1]), []);
      const minor = (i: number, j: number): tf.Tensor => {
        const [r0, r1] = [0, 1, 2].filter((r) => r !== i) as [number, number];
        const [c0, c1] = [0, 1, 2].filter((c) => c !== j) as [number, number];
        return tf.sub(tf.mul(e(r0, c0), e(r1, c1)), tf.mul(e(r0, c1), e(r1, c0)));
      };
      const cof = (i: number, j: number): tf.Tensor => ((i + j) % 2 === 0 ? minor(i, j) : tf.neg(minor(i, j)));
      const det = tf.addN([0, 1, 2].map((j) => tf.mul(e(0, j), cof(0, j))));
      // (A⁻¹)ᵢⱼ = cofactor(j, i) / det
      return tf.div(tf.stack([0, 1, 2].map((i) => tf.stack([0, 1, 2].map((j) => cof(j, i))))), det);
    };
    const custom = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(w, inverse(x))))(a);
    const naive = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(w, adjugateInverse(x))))(a);
    await expect(custom).toBeCloseTensor(naive, { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([a, w, custom, naive]);
  });
});
