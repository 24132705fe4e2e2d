import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { beta, dirichlet, key, split } from '../../src/prng/index.js';
import { expectMoments } from './expect-moments.js';
import { betaI, centralFromRaw, ksCritical, ksDistance } from './stats.js';

// Fixed keys; tolerances from the exact distribution: 5 Monte Carlo SE for moments (fourth moment
// from the raw moments), and the 0.1% KS critical value against the float64 incomplete beta function.
const N = 10000;

async function read(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

/** Checks Beta(a, b) moments and KS; KS points are taken inside (lo, hi) (float32 rounds the tails to 0 or 1). */
function checkBeta(xs: ArrayLike<number>, a: number, b: number, label: string, lo = 0, hi = 1): void {
  const raw = [1, 2, 3, 4].map((k) => {
    let m = 1;
    for (let j = 0; j < k; j++) m *= (a + j) / (a + b + j);
    return m;
  }) as [number, number, number, number];
  const { variance, mu4 } = centralFromRaw(...raw);
  expectMoments(xs, raw[0], variance, mu4, label);
  expect(ksDistance(xs, (x) => betaI(a, b, x), lo, hi), `${label} KS`).toBeLessThan(ksCritical(xs.length));
}

describe('beta', () => {
  const keys = split(key(7), 6);
  const cases: [number, number, number][] = [
    // a = 0.01 puts ~40% of the mass below 1e-38: the KS sup is taken over x > 1e-30 only.
    [0.01, 2, 1e-30],
    [0.3, 0.3, 0],
    [2, 5, 0],
    [1000, 1000, 0],
  ];
  for (const [i, [a, b, lo]] of cases.entries()) {
    it(`Beta(${a}, ${b}): moments and KS`, async () => {
      const x = await read(beta(keys[i]!, a, b, [N]));
      expect(x.every((v) => v >= 0 && v <= 1)).toBe(true);
      checkBeta(x, a, b, `Beta(${a}, ${b})`, lo);
    });
  }

  it('broadcasts tensor parameters', async () => {
    const a = tf.tensor2d([[2], [0.5]]);
    const t = beta(keys[4]!, a, 3, [2, N]);
    a.dispose();
    expect(t.shape).toEqual([2, N]);
    const x = await read(t);
    checkBeta(x.subarray(0, N), 2, 3, 'row 0');
    checkBeta(x.subarray(N), 0.5, 3, 'row 1');
  });

  it('tensor entries NaN or <= 0 give NaN', async () => {
    const a = tf.tensor1d([1, -1, NaN, 2]);
    const x = await read(beta(key(3), a, 2));
    a.dispose();
    expect([Number.isNaN(x[0]!), Number.isNaN(x[1]!), Number.isNaN(x[2]!), Number.isNaN(x[3]!)]).toEqual([false, true, true, false]);
  });

  it('rejects invalid parameters', () => {
    expect(() => beta(key(0), 0, 1)).toThrow(/beta: a must be positive/);
    expect(() => beta(key(0), 1, [1, -1])).toThrow(/beta: b must be positive/);
    expect(() => beta(key(0), [1, 2], [1, 2, 3])).toThrow(/do not broadcast/);
    expect(() => beta(key(0), [1, 2], 1, [3])).toThrow(/a of shape \[2\] does not broadcast to shape \[3\]/);
  });

  it('does not leak', async () => {
    const a = tf.tensor1d([0.5, 2]);
    await expectNoLeaks(() => beta(key(0), 2, 3, [4]));
    await expectNoLeaks(() => beta(key(0), a, a));
    a.dispose();
  });
});

describe('dirichlet', () => {
  const keys = split(key(11), 4);

  it('marginals of Dirichlet([0.3, 1, 5]) are Beta(alpha_i, alpha_0 - alpha_i); rows sum to 1', async () => {
    const alpha = [0.3, 1, 5];
    const t = dirichlet(keys[0]!, alpha, [N]);
    expect(t.shape).toEqual([N, 3]);
    const x = await read(t);
    for (let i = 0; i < N; i++) expect(Math.abs(x[3 * i]! + x[3 * i + 1]! + x[3 * i + 2]! - 1)).toBeLessThan(1e-5);
    for (let j = 0; j < 3; j++) {
      const col = Float64Array.from({ length: N }, (_, i) => x[3 * i + j]!);
      checkBeta(col, alpha[j]!, 6.3 - alpha[j]!, `component ${j}`);
    }
  });

  it('large concentrations: Dirichlet([1000, 2000])', async () => {
    const x = await read(dirichlet(keys[1]!, [1000, 2000], [N]));
    checkBeta(Float64Array.from({ length: N }, (_, i) => x[2 * i]!), 1000, 2000, 'component 0');
  });

  it('tiny concentrations stay finite and normalised (log-space gammas)', async () => {
    const x = await read(dirichlet(keys[2]!, [0.01, 0.01, 1], [N]));
    expect(x.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
    for (let i = 0; i < N; i++) expect(Math.abs(x[3 * i]! + x[3 * i + 1]! + x[3 * i + 2]! - 1)).toBeLessThan(1e-5);
    // Component 2 ~ Beta(1, 0.02): mean 1/1.02, variance 0.02 / (1.02^2 * 2.02).
    const col = Float64Array.from({ length: N }, (_, i) => x[3 * i + 2]!);
    const mean = col.reduce((a, b) => a + b, 0) / N;
    const sd = Math.sqrt(0.02 / (1.02 ** 2 * 2.02));
    expect(Math.abs(mean - 1 / 1.02)).toBeLessThan((5 * sd) / Math.sqrt(N));
  });

  it('batch shapes: alpha [2, 3] with sample shape [4, 2]', async () => {
    const alpha = tf.tensor2d([[1, 2, 3], [0.5, 0.5, 0.5]]);
    const t = dirichlet(keys[3]!, alpha, [4, 2]);
    alpha.dispose();
    expect(t.shape).toEqual([4, 2, 3]);
    const x = await read(t);
    for (let i = 0; i < 8; i++) expect(Math.abs(x[3 * i]! + x[3 * i + 1]! + x[3 * i + 2]! - 1)).toBeLessThan(1e-5);
  });

  it('rejects invalid parameters', () => {
    expect(() => dirichlet(key(0), 1)).toThrow(/at least one axis/);
    expect(() => dirichlet(key(0), [1, 0])).toThrow(/alpha must be positive/);
    expect(() => dirichlet(key(0), [[1, 2], [3, 4]], [3])).toThrow(/does not broadcast/);
  });

  it('does not leak', async () => {
    await expectNoLeaks(() => dirichlet(key(0), [1, 2, 3], [5]));
    const alpha = tf.tensor1d([0.1, 1]);
    await expectNoLeaks(() => dirichlet(key(0), alpha));
    alpha.dispose();
  });
});
