import { describe, expect, it } from 'vitest';
import { loadReference } from '@probdl/vitest-config/reference';
import { key } from '../../src/prng/key.js';
import { permutation, permutationIndices } from '../../src/prng/permutation.js';
import { toFloat64Array } from '../../src/backend/readback.js';

const ref = loadReference<{ cases: { seed: number; partitionable: boolean; permutation_10: number[] }[] }>('jax-prng/threefry.json');

describe('permutationIndices', () => {
  it('is the order of random.permutation, for both stream layouts', async () => {
    for (const partitionable of [true, false]) {
      for (const n of [0, 1, 7, 1000]) {
        const k = key(3, { partitionable });
        const t = permutation(k, n);
        expect(Array.from(permutationIndices(k, n))).toEqual(Array.from(await toFloat64Array(t)));
        t.dispose();
      }
    }
  });

  it.skipIf(ref === undefined)("equals JAX's permutation(key, 10) in every reference case", () => {
    for (const c of ref!.cases) {
      expect(Array.from(permutationIndices(key(c.seed, { partitionable: c.partitionable }), 10))).toEqual(c.permutation_10);
    }
  });

  it('rejects a bad n or key, naming the function', () => {
    expect(() => permutationIndices(key(0), -1)).toThrow(/permutationIndices: n must be an integer/);
    expect(() => permutationIndices(key(0), 2.5)).toThrow(/permutationIndices/);
    expect(() => permutationIndices({} as never, 3)).toThrow(/permutationIndices/);
  });
});
