import * as tf from '@tensorflow/tfjs-core';
import { key, random, split } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { transposeAMatMulAvailable, transposeAMatMulWithColumnSums } from '../../src/fused/transpose-a-matmul.js';

/** xᵀ·d and Σ_rows d in float64 on the host, and the bound Σ_r |x[r,i]| |d[r,j]| of each entry's rounding. */
function reference(x: Float32Array, d: Float32Array, n: number, m: number, p: number) {
  const c = new Float64Array(m * p);
  const scale = new Float64Array(m * p);
  const db = new Float64Array(p);
  const dbScale = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < p; j++) {
      db[j] = db[j]! + d[r * p + j]!;
      dbScale[j] = dbScale[j]! + Math.abs(d[r * p + j]!);
      for (let i = 0; i < m; i++) {
        c[i * p + j] = c[i * p + j]! + x[r * m + i]! * d[r * p + j]!;
        scale[i * p + j] = scale[i * p + j]! + Math.abs(x[r * m + i]! * d[r * p + j]!);
      }
    }
  }
  return { c, scale, db, dbScale };
}

const wasm = () => tf.getBackend() === 'wasm';

// The WebAssembly SIMD kernel behind Dense's weight and bias gradients on wasm; elsewhere absent.
// Shapes cover the 4 × 8 register blocks and every remainder (rows of xᵀ not a multiple of 4,
// columns not a multiple of 8 or of 4, a single row, no rows).
describe('transposeAMatMulWithColumnSums', () => {
  it('is available on wasm only', () => {
    expect(transposeAMatMulAvailable()).toBe(wasm());
  });

  for (const [n, m, p] of [
    [512, 14, 128],
    [37, 128, 48],
    [9, 5, 12],
    [6, 3, 7],
    [1, 1, 1],
    [0, 4, 8],
  ] as const) {
    it(`x [${n}, ${m}], d [${n}, ${p}]: xᵀ·d and the column sums of d to float32 rounding`, async () => {
      const [k1, k2] = split(key(100 + n + m + p), 2);
      const x = random.normal(k1!, [n, m]) as tf.Tensor2D;
      const d = random.normal(k2!, [n, p]) as tf.Tensor2D;
      if (!wasm()) {
        expect(() => transposeAMatMulWithColumnSums(x, d)).toThrow(/ProbdlTransposeAMatMul/);
        tf.dispose([x, d]);
        return;
      }
      const [c, db] = transposeAMatMulWithColumnSums(x, d);
      expect(c.shape).toEqual([m, p]);
      expect(db.shape).toEqual([p]);
      const ref = reference((await x.data()) as Float32Array, (await d.data()) as Float32Array, n, m, p);
      const got = await c.data();
      const gotDb = await db.data();
      // float32 accumulation over n terms: |error| ≤ ~n ε Σ|terms|; 4 n ε is a generous bound.
      const eps = 2 ** -23;
      for (let i = 0; i < m * p; i++) expect(Math.abs(got[i]! - ref.c[i]!)).toBeLessThanOrEqual(4 * Math.max(n, 1) * eps * ref.scale[i]! + 1e-30);
      for (let j = 0; j < p; j++) expect(Math.abs(gotDb[j]! - ref.db[j]!)).toBeLessThanOrEqual(4 * Math.max(n, 1) * eps * ref.dbScale[j]! + 1e-30);
      tf.dispose([x, d, c, db]);
    });
  }

  it('names the shapes when the rows differ, and leaks nothing', async () => {
    const x = tf.ones([4, 3]) as tf.Tensor2D;
    const d = tf.ones([5, 2]) as tf.Tensor2D;
    expect(() => transposeAMatMulWithColumnSums(x, d)).toThrow(/x \[4, 3\] and d \[5, 2\]/);
    const d2 = tf.ones([4, 2]) as tf.Tensor2D;
    if (wasm()) await expectNoLeaks(() => transposeAMatMulWithColumnSums(x, d2));
    else expect(() => transposeAMatMulWithColumnSums(x, d2)).toThrow(/ProbdlTransposeAMatMul/);
    tf.dispose([x, d, d2]);
  });
});
