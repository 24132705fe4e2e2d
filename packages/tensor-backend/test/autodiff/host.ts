/**
 * Float64 host math for the autodiff tests: the expected values are computed here, independently
 * of tfjs (plain loops over Float64Array), never by the code under test.
 */

/** Deterministic test numbers in (-1, 1), rounded to float32 so host and device see the same inputs. */
export function testValues(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.fround(Math.sin(12.9898 * (i + 1) + 78.233 * seed) * 0.9));
}

/** Row-major matrix-vector product: A is m x n. */
export function matVec(a: readonly number[], m: number, n: number, x: readonly number[]): number[] {
  return Array.from({ length: m }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j]! * x[j]!;
    return s;
  });
}

/** The n x n matrix A + A^T, row-major. */
export function symmetrised(a: readonly number[], n: number): number[] {
  return Array.from({ length: n * n }, (_, k) => a[k]! + a[(k % n) * n + Math.floor(k / n)]!);
}

/** Central finite-difference gradient of a float64 function (error O(h^2) + O(eps / h)). */
export function finiteDiffGrad(f: (x: number[]) => number, x: readonly number[], h = 1e-5): number[] {
  return x.map((_, i) => {
    const up = x.slice();
    const down = x.slice();
    up[i]! += h;
    down[i]! -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}

/** Central finite-difference Jacobian, row-major [m, n] for f: R^n -> R^m. */
export function finiteDiffJacobian(f: (x: number[]) => number[], x: readonly number[], h = 1e-5): number[][] {
  const n = x.length;
  const cols = Array.from({ length: n }, (_, j) => {
    const up = x.slice();
    const down = x.slice();
    up[j]! += h;
    down[j]! -= h;
    const a = f(up);
    const b = f(down);
    return a.map((v, i) => (v - b[i]!) / (2 * h));
  });
  const m = cols[0]?.length ?? 0;
  return Array.from({ length: m }, (_, i) => cols.map((c) => c[i]!));
}

/** Splits a flat row-major array into rows of length n. */
export function rows(a: readonly number[], n: number): number[][] {
  return Array.from({ length: a.length / n }, (_, i) => a.slice(i * n, (i + 1) * n));
}

/** A two-layer tanh MLP's mean squared error, in float64; parameters flat in the order given. */
export interface MlpShapes {
  batch: number;
  inputs: number;
  hidden: number;
}

/**
 * Loss of the MLP `y = tanh(x W0 + b0) W1 + b1` (one output) against targets t, mean over the batch.
 * `p` holds [b0 (hidden), w0 (inputs x hidden), b1 (1), w1 (hidden x 1)]: the tree order of
 * `{ layers: [{ b, w }, { b, w }] }` (sorted keys, arrays in order).
 */
export function mlpLoss(p: readonly number[], x: readonly number[], t: readonly number[], s: MlpShapes): number {
  const { batch, inputs, hidden } = s;
  const b0 = p.slice(0, hidden);
  const w0 = p.slice(hidden, hidden + inputs * hidden);
  const b1 = p[hidden + inputs * hidden]!;
  const w1 = p.slice(hidden + inputs * hidden + 1);
  let loss = 0;
  for (let r = 0; r < batch; r++) {
    let y = b1;
    for (let h = 0; h < hidden; h++) {
      let u = b0[h]!;
      for (let i = 0; i < inputs; i++) u += x[r * inputs + i]! * w0[i * hidden + h]!;
      y += Math.tanh(u) * w1[h]!;
    }
    loss += (y - t[r]!) ** 2;
  }
  return loss / batch;
}

/** log(sum(exp(x))) and its gradient softmax(x) and Hessian diag(p) - p p^T, in float64. */
export function logSumExp(x: readonly number[]): { value: number; grad: number[]; hessian: number[][] } {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  const p = e.map((v) => v / s);
  return {
    value: m + Math.log(s),
    grad: p,
    hessian: p.map((pi, i) => p.map((pj, j) => (i === j ? pi : 0) - pi * pj)),
  };
}
