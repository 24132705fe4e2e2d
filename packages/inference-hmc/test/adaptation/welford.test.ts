import { key, random } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { welfordCovariance, welfordInit, welfordUpdate } from '../../src/adaptation/welford.js';

const C = 3;
const D = 4;
const N = 50;
// Fixed draws [N, C, D] with distinct means and scales per coordinate.
const raw = random.normalHost(key(11), [N, C, D]);
const draws = Float64Array.from(raw, (z, k) => 3 * (k % D) - 2 + z * (0.5 + (k % D)) + 0.3 * z * (raw[k - (k % D)] ?? 0));

/** Two-pass sample covariance of the rows `rows` (each D values). */
function twoPass(rows: Float64Array[]): Float64Array {
  const n = rows.length;
  const mean = new Float64Array(D);
  for (const r of rows) for (let j = 0; j < D; j++) mean[j] = mean[j]! + r[j]! / n;
  const cov = new Float64Array(D * D);
  for (const r of rows) for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) cov[j * D + k] = cov[j * D + k]! + ((r[j]! - mean[j]!) * (r[k]! - mean[k]!)) / (n - 1);
  return cov;
}
const row = (t: number, c: number) => draws.subarray((t * C + c) * D, (t * C + c + 1) * D);

function fill(kind: 'diagonal' | 'dense', pooled: boolean) {
  const s = welfordInit(C, D, { kind, pooled });
  for (let t = 0; t < N; t++) welfordUpdate(s, draws.subarray(t * C * D, (t + 1) * C * D));
  return s;
}

describe('Welford estimators', () => {
  it('per chain: diagonal and dense match a two-pass float64 computation', () => {
    const diag = welfordCovariance(fill('diagonal', false), { regularize: false });
    const dense = welfordCovariance(fill('dense', false), { regularize: false });
    for (let c = 0; c < C; c++) {
      const ref = twoPass(Array.from({ length: N }, (_, t) => row(t, c)));
      for (let j = 0; j < D; j++) {
        expect(diag[c * D + j]).toBeCloseTo(ref[j * D + j]!, 10);
        for (let k = 0; k < D; k++) expect(dense[c * D * D + j * D + k]).toBeCloseTo(ref[j * D + k]!, 10);
      }
    }
    expect(fill('dense', false).count).toBe(N);
  });

  it('pooled across chains equals the two-pass covariance of all N·C draws', () => {
    const s = fill('dense', true);
    expect(s.count).toBe(N * C);
    const dense = welfordCovariance(s, { regularize: false });
    const diag = welfordCovariance(fill('diagonal', true), { regularize: false });
    const rows: Float64Array[] = [];
    for (let t = 0; t < N; t++) for (let c = 0; c < C; c++) rows.push(row(t, c));
    const ref = twoPass(rows);
    for (let j = 0; j < D; j++) {
      expect(diag[j]).toBeCloseTo(ref[j * D + j]!, 10);
      for (let k = 0; k < D; k++) expect(dense[j * D + k]).toBeCloseTo(ref[j * D + k]!, 10);
    }
  });

  it("applies Stan's regularisation (n/(n+5))·Σ + 1e-3·(5/(n+5))·I", () => {
    for (const kind of ['diagonal', 'dense'] as const) {
      const s = fill(kind, false);
      const plain = welfordCovariance(s, { regularize: false });
      const reg = welfordCovariance(s);
      const n = N;
      for (let i = 0; i < plain.length; i++) {
        const onDiagonal = kind === 'diagonal' || Math.floor((i % (D * D)) / D) === i % D;
        expect(reg[i]).toBeCloseTo((n / (n + 5)) * plain[i]! + (onDiagonal ? (1e-3 * 5) / (n + 5) : 0), 12);
      }
    }
    // Fewer than two draws: the identity.
    expect(Array.from(welfordCovariance(welfordInit(1, 2, { kind: 'dense' })))).toEqual([1, 0, 0, 1]);
    expect(() => welfordUpdate(welfordInit(2, 2), [1, 2, 3])).toThrow(/expected \[2, 2\]/);
  });
});
