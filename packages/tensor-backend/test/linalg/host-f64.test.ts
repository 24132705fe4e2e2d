import { describe, expect, it } from 'vitest';
import {
  choleskyF64,
  choleskyInverseF64,
  choleskySolveF64,
  fromRowsF64,
  identityF64,
  inverseF64,
  logDetFromCholeskyF64,
  matmulF64,
  matrixF64,
  toRowsF64,
  transposeF64,
  triangularSolveF64,
  type MatrixF64,
} from '../../src/linalg/index.js';
import { lcg, randomMatrix, randomSpd } from './fixtures.js';

// The float64 host versions against independent facts: closed-form factors, inverses and
// determinants of Pascal, Hilbert and min matrices, and round trips. Tolerances: ~1e-12 relative
// for well-conditioned problems; κ·ε-scaled where the matrix is ill-conditioned (Hilbert).

const binom = (n: number, k: number): number => {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
};
const build = (n: number, f: (i: number, j: number) => number): MatrixF64 =>
  fromRowsF64(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => f(i, j))));
const logFactorial = (k: number): number => {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
};

function expectClose(actual: MatrixF64, expected: MatrixF64, rtol: number, atol = 0): void {
  expect([actual.rows, actual.cols]).toEqual([expected.rows, expected.cols]);
  let worst = 0;
  actual.data.forEach((a, i) => {
    const e = expected.data[i] as number;
    worst = Math.max(worst, Math.abs(a - e) / (atol + rtol * Math.abs(e) || Number.MIN_VALUE));
  });
  expect(worst, `worst |a - e| / (atol + rtol |e|)`).toBeLessThanOrEqual(1);
}

describe('MatrixF64 helpers', () => {
  it('round-trips nested arrays and stores row-major', () => {
    const m = fromRowsF64([[1, 2, 3], [4, 5, 6]]);
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(3);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toRowsF64(m)).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(toRowsF64(transposeF64(m))).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(toRowsF64(identityF64(2))).toEqual([[1, 0], [0, 1]]);
  });

  it('multiplies by the definition', () => {
    const a = fromRowsF64([[1, 2], [3, 4], [5, 6]]);
    const b = fromRowsF64([[7, 8, 9], [10, 11, 12]]);
    expect(toRowsF64(matmulF64(a, b))).toEqual([[27, 30, 33], [61, 68, 75], [95, 106, 117]]);
  });

  it('rejects ragged rows, wrong data lengths and mismatched products', () => {
    expect(() => fromRowsF64([[1, 2], [3]])).toThrow(/row 1 has length 1, expected 2/);
    expect(() => matrixF64(2, 2, [1, 2, 3])).toThrow(/length 3, expected 2 × 2/);
    expect(() => matmulF64(identityF64(2), identityF64(3))).toThrow(/2 × 2 times 3 × 3/);
  });
});

describe('choleskyF64', () => {
  it("factors Pascal's matrix into the binomial-coefficient matrix (exactly known)", () => {
    const n = 8;
    const pascal = build(n, (i, j) => binom(i + j, i));
    expectClose(choleskyF64(pascal), build(n, (i, j) => binom(i, j)), 1e-12, 1e-12);
  });

  it('factors the min matrix min(i, j) + 1 into the all-ones lower triangle', () => {
    const n = 6;
    expectClose(choleskyF64(build(n, (i, j) => Math.min(i, j) + 1)), build(n, (i, j) => (j <= i ? 1 : 0)), 1e-12, 1e-14);
  });

  it('gives L Lᵀ = A for random SPD matrices, and factors the symmetrised matrix', () => {
    const rng = lcg(11);
    const a = randomSpd(rng, 12);
    const l = choleskyF64(a);
    expectClose(matmulF64(l, transposeF64(l)), a, 1e-13, 1e-13);
    for (let i = 0; i < 12; i++) for (let j = i + 1; j < 12; j++) expect(l.data[i * 12 + j]).toBe(0);
    // A non-symmetric input: the factor is that of (A + Aᵀ)/2.
    const skewed = matrixF64(12, 12, a.data.map((v, k) => v + Math.sign(k % 12 - Math.floor(k / 12)) * 0.25));
    expectClose(choleskyF64(skewed), l, 1e-13, 1e-13);
  });

  it('throws naming the column and the pivot for a non-positive-definite matrix', () => {
    expect(() => choleskyF64(fromRowsF64([[1, 2], [2, 1]]))).toThrow(/column 1 \(0-based\): pivot -3 is not > 0/);
    expect(() => choleskyF64(fromRowsF64([[-1, 0], [0, 1]]))).toThrow(/column 0 \(0-based\): pivot -1/);
    expect(() => choleskyF64(fromRowsF64([[1, 0], [0, Number.NaN]]))).toThrow(/column 1 \(0-based\): pivot NaN/);
    expect(() => choleskyF64(matrixF64(2, 3))).toThrow(/'a' must be square, got 2 × 3/);
  });
});

describe('logDetFromCholeskyF64', () => {
  it('matches the closed-form determinant of Hilbert matrices', () => {
    for (const n of [3, 5, 7]) {
      const h = build(n, (i, j) => 1 / (i + j + 1));
      // det H_n = c_n⁴ / c_2n with c_n = Π_{k<n} k!  (Cauchy determinant).
      let expected = 0;
      for (let k = 1; k < n; k++) expected += 4 * logFactorial(k);
      for (let k = 1; k < 2 * n; k++) expected -= logFactorial(k);
      // H_7 has κ ≈ 5e8: the log-determinant is good to about κ·ε.
      expect(logDetFromCholeskyF64(choleskyF64(h))).toBeCloseTo(expected, 6);
    }
  });

  it("gives log det = 0 for Pascal's matrix (det 1) and the sum of logs for a diagonal", () => {
    const n = 8;
    expect(Math.abs(logDetFromCholeskyF64(choleskyF64(build(n, (i, j) => binom(i + j, i)))))).toBeLessThan(1e-10);
    const d = build(3, (i, j) => (i === j ? [4, 9, 0.25][i] as number : 0));
    expect(logDetFromCholeskyF64(choleskyF64(d))).toBeCloseTo(Math.log(4 * 9 * 0.25), 13);
  });
});

describe('triangularSolveF64', () => {
  it("inverts the binomial matrix to the signed binomial matrix (exactly known)", () => {
    const n = 8;
    const l = build(n, (i, j) => binom(i, j));
    expectClose(triangularSolveF64(l, identityF64(n)), build(n, (i, j) => (-1) ** (i - j) * binom(i, j)), 0, 1e-12);
  });

  it('satisfies op(A) X = B or X op(A) = B for every option combination', () => {
    const rng = lcg(5);
    const n = 7;
    const k = 3;
    const lower = choleskyF64(randomSpd(rng, n));
    for (const isLower of [true, false]) {
      // Fill the unused triangle with garbage: it must not be read.
      const a = isLower ? lower : transposeF64(lower);
      const garbage = matrixF64(n, n, a.data.map((v, idx) => {
        const i = Math.floor(idx / n);
        const j = idx % n;
        return (isLower ? j > i : j < i) ? 1e6 : v;
      }));
      for (const transpose of [false, true]) {
        for (const left of [true, false]) {
          const b = left ? randomMatrix(rng, n, k) : randomMatrix(rng, k, n);
          const x = triangularSolveF64(garbage, b, { lower: isLower, transpose, left });
          const opA = transpose ? transposeF64(a) : a;
          const back = left ? matmulF64(opA, x) : matmulF64(x, opA);
          expectClose(back, b, 1e-12, 1e-12);
        }
      }
    }
  });

  it('throws for a zero diagonal and for shapes that do not fit', () => {
    expect(() => triangularSolveF64(fromRowsF64([[1, 0], [1, 0]]), identityF64(2))).toThrow(/diagonal entry 1 is 0/);
    expect(() => triangularSolveF64(identityF64(2), matrixF64(3, 1))).toThrow(/'b' is 3 × 1.*'a' 2 × 2/);
    expect(() => triangularSolveF64(identityF64(2), matrixF64(2, 3), { left: false })).toThrow(/left: false/);
  });
});

describe('choleskySolveF64 and choleskyInverseF64', () => {
  it('solve (L Lᵀ) X = B and invert L Lᵀ', () => {
    const rng = lcg(9);
    const n = 9;
    const a = randomSpd(rng, n);
    const l = choleskyF64(a);
    const b = randomMatrix(rng, n, 4);
    expectClose(matmulF64(a, choleskySolveF64(l, b)), b, 1e-12, 1e-12);
    const inv = choleskyInverseF64(l);
    expectClose(matmulF64(a, inv), identityF64(n), 0, 1e-12);
    expect(toRowsF64(inv)).toEqual(toRowsF64(transposeF64(inv)));
  });
});

describe('inverseF64', () => {
  it('matches the exact integer inverse of Hilbert matrices', () => {
    for (const n of [3, 5]) {
      const h = build(n, (i, j) => 1 / (i + j + 1));
      // (H⁻¹)ᵢⱼ = (−1)^(i+j) (i+j−1) C(n+i−1, n−j) C(n+j−1, n−i) C(i+j−2, i−1)², 1-based.
      const exact = build(n, (i0, j0) => {
        const i = i0 + 1;
        const j = j0 + 1;
        return (-1) ** (i + j) * (i + j - 1) * binom(n + i - 1, n - j) * binom(n + j - 1, n - i) * binom(i + j - 2, i - 1) ** 2;
      });
      // κ(H_5) ≈ 5e5: relative error ≲ κ·ε.
      expectClose(inverseF64(h), exact, 1e-9);
    }
  });

  it('round-trips matrices that need pivoting', () => {
    const rng = lcg(3);
    const n = 10;
    const a = randomMatrix(rng, n, n);
    a.data[0] = 0; // a zero leading entry: no pivoting would divide by zero
    expectClose(matmulF64(a, inverseF64(a)), identityF64(n), 0, 1e-12);
    expectClose(inverseF64(fromRowsF64([[0, 1], [1, 0]])), fromRowsF64([[0, 1], [1, 0]]), 0, 0);
  });

  it('throws for singular matrices, naming the column', () => {
    expect(() => inverseF64(fromRowsF64([[1, 2], [2, 4]]))).toThrow(/singular to working precision at column 1/);
    expect(() => inverseF64(fromRowsF64([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))).toThrow(/singular.*column 2/);
    expect(() => inverseF64(matrixF64(2, 2))).toThrow(/column 0/);
    expect(() => inverseF64(matrixF64(1, 2))).toThrow(/'a' must be square, got 1 × 2/);
  });
});
