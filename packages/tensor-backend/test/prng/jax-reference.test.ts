import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadReference, refNumber } from '@probdl/vitest-config/reference';
import {
  bernoulli, categorical, foldIn, key, keyData, normal, permutation, randint, randomBits, split, truncatedNormal, uniform,
  type PRNGKey,
} from '../../src/prng/index.js';

// Known answers of JAX 0.10.2 on CPU (float32) for seeds 0 and 42 in both stream layouts.
interface JaxCase {
  seed: number;
  partitionable: boolean;
  [field: string]: unknown;
}
const ref = loadReference<{ jax_version: string; cases: JaxCase[] }>('jax-prng/threefry.json');
const cases = ref?.cases ?? [];

const SHAPES: Record<string, number[]> = { '1': [1], '7': [7], '8': [8], '3x5': [3, 5] };

/** Exact comparison of every element, reporting the first difference. */
function expectExact(actual: ArrayLike<number | boolean>, expected: unknown, what: string): void {
  const e = (expected as unknown[]).map((v) => (typeof v === 'boolean' ? v : refNumber(v)));
  const a = Array.from(actual as ArrayLike<number | boolean>, (v) => (typeof e[0] === 'boolean' ? Boolean(v) : v));
  expect(a, what).toEqual(e);
}

/** |a - e| <= atol + rtol |e| elementwise (numpy allclose). */
function expectClose(actual: number[], expected: unknown, rtol: number, atol: number): void {
  const e = (expected as unknown[]).map(refNumber);
  expect(actual.length).toBe(e.length);
  actual.forEach((a, i) => expect(Math.abs(a - e[i]!), `index ${i}: ${a} vs ${e[i]}`).toBeLessThanOrEqual(atol + rtol * Math.abs(e[i]!)));
}

async function values(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data(), Number);
  t.dispose();
  return v;
}

const flatKeys = (ks: PRNGKey[]): number[] => ks.flatMap((k) => Array.from(keyData(k)));

describe.skipIf(ref === undefined)('bit-identical to jax.random (threefry2x32)', () => {
  for (const c of cases) {
    describe(`seed ${c.seed}, partitionable ${c.partitionable}`, () => {
      const k = key(c.seed, { partitionable: c.partitionable });

      it('key, split, fold_in, split chain', () => {
        expectExact(keyData(k), c.key, 'key');
        expectExact(flatKeys(split(k)), c.split2, 'split2');
        expectExact(flatKeys(split(k, 3)), c.split3, 'split3');
        expectExact(keyData(foldIn(k, 7)), c.fold_in_7, 'fold_in_7');
        const chain = split(foldIn(split(k)[1]!, 3), 4);
        expectExact(flatKeys(chain), c.split_chain, 'split_chain');
        expect(chain.every((x) => x.partitionable === c.partitionable)).toBe(true);
      });

      for (const [name, shape] of Object.entries(SHAPES)) {
        it(`bits, uniform and normal of shape [${shape.join(', ')}]`, async () => {
          expectExact(randomBits(k, shape), c[`bits_${name}`], `bits_${name}`);
          const u = uniform(k, shape);
          expect(u.shape).toEqual(shape);
          expect(u.dtype).toBe('float32');
          expectExact(await values(u), c[`uniform_${name}`], `uniform_${name}`);
          // Exact: XLA's float32 erf_inv is reproduced operation by operation (with its FMAs).
          expectExact(await values(normal(k, shape)), c[`normal_${name}`], `normal_${name}`);
        });
      }

      it('uniform on [-2, 3) (fused multiply-add reproduced)', async () => {
        expectExact(await values(uniform(k, [6], { minval: -2, maxval: 3 })), c.uniform_m2_3_6, 'uniform_m2_3_6');
      });

      it('bernoulli, truncated normal, categorical, permutation, randint', async () => {
        const b = bernoulli(k, 0.3, [10]);
        expect(b.dtype).toBe('bool');
        expectExact(await values(b), c['bernoulli_0.3_10'], 'bernoulli');
        expectExact(await values(truncatedNormal(k, -1, 2, [6])), c.truncated_normal_m1_2_6, 'truncated_normal');
        const cat = categorical(k, [0.1, 1.0, -0.5, 2.0], { shape: [8] });
        expect(cat.dtype).toBe('int32');
        expectExact(await values(cat), c.categorical_logits_8, 'categorical');
        expectExact(await values(permutation(k, 10)), c.permutation_10, 'permutation');
        expectExact(await values(randint(k, [6], 0, 100)), c.randint_0_100_6, 'randint');
      });

      it('tensor parameters give the same draws as number parameters', async () => {
        const p = tf.scalar(0.3);
        expectExact(await values(bernoulli(k, p, [10])), c['bernoulli_0.3_10'], 'bernoulli (tensor p)');
        p.dispose();
        const logits = tf.tensor1d([0.1, 1.0, -0.5, 2.0]);
        expectExact(await values(categorical(k, logits, { shape: [8] })), c.categorical_logits_8, 'categorical (tensor logits)');
        logits.dispose();
        const x = tf.range(0, 10, 1, 'float32');
        expectExact(await values(permutation(k, x)), c.permutation_10, 'permutation of a tensor');
        x.dispose();
        // Device float math (no fused multiply-add, device erf/erf_inv): a few float32 ulps.
        const [lo, hi, mn, mx] = [tf.scalar(-1), tf.scalar(2), tf.scalar(-2), tf.scalar(3)];
        expectClose(await values(truncatedNormal(k, lo, hi, [6])), c.truncated_normal_m1_2_6, 2e-6, 1e-6);
        expectClose(await values(uniform(k, [6], { minval: mn, maxval: mx })), c.uniform_m2_3_6, 1e-6, 1e-6);
        tf.dispose([lo, hi, mn, mx]);
      });

      it('10,000 normal draws: first 3, last 3 and sum', async () => {
        const z = await values(normal(k, [10000]));
        expectExact(z.slice(0, 3), c.normal_10000_first3, 'first3');
        expectExact(z.slice(-3), c.normal_10000_last3, 'last3');
        // JAX sums in float32 in its own order; the float64 sum of the same float32 draws differs from
        // it by float32 rounding only (observed ≤ 2e-5; bound 1e4 draws × 2^-24 × mean|z| ≈ 5e-4).
        const sum = z.reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - refNumber(c.normal_10000_sum))).toBeLessThan(5e-4);
      });
    });
  }
});
