import * as tf from '@tensorflow/tfjs-core';
import { jacobian } from '@probdl/tensor-backend';

/** log|det A| of a square row-major float64 matrix by Gaussian elimination with partial pivoting. */
export function logAbsDet(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let acc = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    if (p !== c) for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k]!, m[c * n + k]!];
    const piv = m[c * n + c]!;
    if (piv === 0) return -Infinity;
    acc += Math.log(Math.abs(piv));
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / piv;
      for (let k = c; k < n; k++) m[r * n + k] = m[r * n + k]! - f * m[c * n + k]!;
    }
  }
  return acc;
}

/**
 * The autodiff Jacobian of `f` at x (any shape), flattened to [outputs, inputs], restricted to
 * the chosen output rows and input columns (all when omitted), and its log|det| (rows and columns
 * must then be equally many). Computed with tensor-backend's `jacobian`, read back to float64.
 */
export async function autodiffLogDet(
  f: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  rows?: number[],
  cols?: number[],
): Promise<{ logDet: number; jac: Float64Array; nOut: number; nIn: number }> {
  const j = jacobian((v: tf.Tensor) => f(v))(x) as tf.Tensor;
  const nIn = x.size;
  const nOut = j.size / nIn;
  const full = Float64Array.from((await j.data()) as Float32Array);
  j.dispose();
  const r = rows ?? Array.from({ length: nOut }, (_, i) => i);
  const c = cols ?? Array.from({ length: nIn }, (_, i) => i);
  if (r.length !== c.length) throw new Error(`restricted Jacobian is ${r.length}×${c.length}, not square`);
  const sub = new Float64Array(r.length * c.length);
  r.forEach((ri, a) => c.forEach((ci, b) => (sub[a * c.length + b] = full[ri * nIn + ci]!)));
  return { logDet: logAbsDet(sub, r.length), jac: full, nOut, nIn };
}

/** Row-major flat positions (i·d + j) of the lower triangle of a d×d matrix (strict: below the diagonal). */
export function lowerPositions(d: number, strict = false): number[] {
  const out: number[] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j <= (strict ? i - 1 : i); j++) out.push(i * d + j);
  return out;
}
