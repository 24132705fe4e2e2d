import type * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key } from '@probdl/tensor-backend';
import { expect } from 'vitest';
import type { Distribution } from '../../src/distribution.js';
import { kl } from '../../src/kl/kl.js';
import { klMonteCarlo, klMonteCarloWithError } from '../../src/kl/monte-carlo.js';
import { host } from '../helpers/stats.js';

/** Lower Cholesky factor of a symmetric positive-definite matrix, on the host in float64 (test input preparation). */
export function choleskyHost(a: number[][]): number[][] {
  const n = a.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(s) : s / l[j]![j]!;
    }
  }
  return l;
}

/**
 * Checks the closed form kl(p, q) against the Monte Carlo estimate of n draws from a fixed key:
 * |closed - estimate| <= 5 standard errors + `allowance` (float32 rounding of the closed form and of
 * the mean of n log ratios, about 1e-6·n^0.5·|log ratio| in the worst case). Also checks shapes.
 */
export async function expectKlMatchesMonteCarlo(p: Distribution, q: Distribution, seed: number, n = 20000, allowance = 1e-4): Promise<Float64Array> {
  const closed = kl(p, q);
  const { estimate, stderr } = klMonteCarloWithError(p, q, key(seed), n);
  expect(closed.shape).toEqual(estimate.shape);
  const c = await host(closed);
  const e = await host(estimate);
  const s = await host(stderr);
  for (let i = 0; i < c.length; i++) {
    expect(Number.isFinite(c[i]!), `closed form entry ${i} is ${c[i]}`).toBe(true);
    expect(Math.abs(c[i]! - e[i]!), `entry ${i}: closed ${c[i]} MC ${e[i]} ± ${s[i]}`).toBeLessThanOrEqual(5 * s[i]! + allowance);
  }
  ([closed, estimate, stderr] as tf.Tensor[]).forEach((t) => t.dispose());
  return c;
}

/** kl(p, p) is zero (within `atol`) and kl(p, q) non-negative (within float32 rounding). */
export async function expectZeroSelfAndNonNegative(p: Distribution, q: Distribution, atol = 1e-6): Promise<void> {
  const self = kl(p, p);
  const pq = kl(p, q);
  const a = await host(self);
  const b = await host(pq);
  for (const v of a) expect(Math.abs(v)).toBeLessThanOrEqual(atol);
  for (const v of b) expect(v).toBeGreaterThanOrEqual(-atol);
  self.dispose();
  pq.dispose();
}

/**
 * The checks every closed form gets: the shape of kl(p, q), agreement with klMonteCarloWithError
 * (fixed key `seed`, n draws, 5 standard errors + a float32 allowance), KL(p, p) = 0 within
 * `zeroTol`, KL(p, q) >= 0, and no leaks from kl, klMonteCarlo and klMonteCarloWithError.
 */
export async function checkPair(make: () => [Distribution, Distribution], seed: number, expectedShape: number[], zeroTol = 1e-6, n = 20000): Promise<void> {
  const [p, q] = make();
  const v = kl(p, q);
  expect(v.shape).toEqual(expectedShape);
  v.dispose();
  await expectKlMatchesMonteCarlo(p, q, seed, n);
  await expectZeroSelfAndNonNegative(p, q, zeroTol);
  await expectNoLeaks(() => {
    const { estimate, stderr } = klMonteCarloWithError(p, q, key(1), 8);
    return [kl(p, q), klMonteCarlo(p, q, key(2), 8), estimate, stderr];
  });
  p.dispose();
  q.dispose();
}
