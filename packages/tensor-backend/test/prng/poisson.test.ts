import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key, poisson, split } from '../../src/prng/index.js';
import { expectMoments } from './expect-moments.js';
import { ksCritical, ksDistanceDiscrete, poissonCdfTable } from './stats.js';

// Fixed keys; tolerances from the exact distribution: 5 Monte Carlo SE for moments (variance lam,
// fourth central moment lam + 3 lam^2) and the 0.1% KS critical value (conservative for a discrete
// law) against the float64 Poisson CDF.
const N = 10000;

async function read(t: tf.Tensor): Promise<Int32Array> {
  expect(t.dtype).toBe('int32');
  const v = (await t.data()) as Int32Array;
  t.dispose();
  return v;
}

function checkPoisson(x: ArrayLike<number>, lam: number, label: string): void {
  expectMoments(x, lam, lam, lam + 3 * lam * lam, label);
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, x[i]!);
  expect(ksDistanceDiscrete(x, poissonCdfTable(lam, max + 1)), `${label} KS`).toBeLessThan(ksCritical(x.length));
}

describe('poisson', () => {
  const keys = split(key(99), 10);
  // Inversion below rate 10, PTRS from 10 on: both sides of the switch are covered.
  for (const [i, lam] of [0.01, 0.3, 4, 9.99, 10, 37.5, 1000].entries()) {
    it(`rate ${lam}: moments and KS`, async () => {
      const x = await read(poisson(keys[i]!, lam, [N]));
      expect(x.every((v) => v >= 0)).toBe(true);
      checkPoisson(x, lam, `Poisson(${lam})`);
    });
  }

  it('tensor rates broadcast (one call, both algorithms)', async () => {
    const rate = tf.tensor2d([[0.3], [250]]);
    const t = poisson(keys[8]!, rate, [2, N]);
    rate.dispose();
    expect(t.shape).toEqual([2, N]);
    const x = await read(t);
    checkPoisson(x.subarray(0, N), 0.3, 'row 0');
    checkPoisson(x.subarray(N), 250, 'row 1');
  });

  it('rate 0 gives 0; invalid tensor rates give -1', async () => {
    const rate = tf.tensor1d([0, -1, NaN, Infinity, 3]);
    const x = await read(poisson(keys[9]!, rate));
    rate.dispose();
    expect(Array.from(x.subarray(0, 4))).toEqual([0, -1, -1, -1]);
    expect(x[4]).toBeGreaterThanOrEqual(0);
    expect(Array.from(await read(poisson(key(1), 0, [5])))).toEqual([0, 0, 0, 0, 0]);
  });

  it('rejects invalid numbers and shapes', () => {
    expect(() => poisson(key(0), -0.5)).toThrow(/rate must be in \[0, 1000000000\]/);
    expect(() => poisson(key(0), NaN)).toThrow(/rate/);
    expect(() => poisson(key(0), 2e9)).toThrow(/rate/);
    expect(() => poisson(key(0), [1, 2], [3])).toThrow(/does not broadcast/);
  });

  it('does not leak', async () => {
    await expectNoLeaks(() => poisson(key(0), 3, [4]));
    const rate = tf.tensor1d([0.5, 50, -1]);
    await expectNoLeaks(() => poisson(key(0), rate));
    rate.dispose();
  });
});
