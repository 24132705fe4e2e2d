import { describe, expect, it } from 'vitest';
import { foldIn, key, keyData, keyFromData, randomBits, randomBitsWord, split } from '../../src/prng/index.js';

describe('key', () => {
  // Expected key data from JAX's own test table (tests/random_test.py, test_prng_seeds_and_keys), for
  // jax_enable_x64 off (the default) and on.
  const table: [number | bigint, [number, number], [number, number]][] = [
    [0, [0, 0], [0, 0]],
    [1, [0, 1], [0, 1]],
    [3, [0, 3], [0, 3]],
    [-1, [0, 4294967295], [4294967295, 4294967295]],
    [-2, [0, 4294967294], [4294967295, 4294967294]],
    [2 ** 31 - 1 + 100, [0, 2147483747], [0, 2147483747]],
    [-(2 ** 31) - 100, [0, 2147483548], [4294967295, 2147483548]],
    [-(2 ** 31) - 101, [0, 2147483547], [4294967295, 2147483547]],
  ];
  for (const [seed, x32, x64] of table) {
    it(`seed ${seed}`, () => {
      expect(Array.from(keyData(key(seed)))).toEqual(x32);
      expect(Array.from(keyData(key(seed, { x64: true })))).toEqual(x64);
    });
  }

  it('accepts 64-bit seeds as bigints', () => {
    expect(Array.from(keyData(key(42n)))).toEqual([0, 42]);
    expect(Array.from(keyData(key(2n ** 40n + 5n, { x64: true })))).toEqual([256, 5]);
    expect(Array.from(keyData(key(2n ** 40n + 5n)))).toEqual([0, 5]);
    expect(Array.from(keyData(key(-(2n ** 63n), { x64: true })))).toEqual([2 ** 31, 0]);
    expect(Array.from(keyData(key(2n ** 64n - 1n, { x64: true })))).toEqual([4294967295, 4294967295]);
  });

  it('rejects bad seeds with a clear error', () => {
    expect(() => key(1.5)).toThrow(/seed must be an integer, got 1.5/);
    expect(() => key(NaN)).toThrow(/seed must be an integer/);
    expect(() => key(Infinity)).toThrow(/seed must be an integer/);
    expect(() => key(2 ** 60)).toThrow(/pass it as a bigint/);
    expect(() => key(2n ** 64n)).toThrow(/64-bit range/);
    expect(() => key(-(2n ** 63n) - 1n)).toThrow(/64-bit range/);
    expect(() => key('3' as never)).toThrow(/integer number or a bigint/);
    expect(() => key(1, { partitionable: 'yes' as never })).toThrow(/partitionable must be a boolean/);
  });

  it('defaults to the partitionable layout; keys carry their layout', () => {
    expect(key(0).partitionable).toBe(true);
    const legacy = key(0, { partitionable: false });
    expect(split(legacy, 3).every((k) => !k.partitionable)).toBe(true);
    expect(foldIn(legacy, 1).partitionable).toBe(false);
    // The two layouts give different streams from the same key data.
    expect(Array.from(randomBits(key(0), [4]))).not.toEqual(Array.from(randomBits(legacy, [4])));
  });

  it('keyFromData and keyData round-trip; keyData is a copy', () => {
    const k = keyFromData([123, 4294967295], { partitionable: false });
    expect(k.partitionable).toBe(false);
    const d = keyData(k);
    expect(Array.from(d)).toEqual([123, 4294967295]);
    d[0] = 7;
    expect(k.data[0]).toBe(123);
    expect(Object.isFrozen(k)).toBe(true);
    expect(Array.from(keyData(keyFromData(Uint32Array.of(1, 2))))).toEqual([1, 2]);
  });

  it('rejects bad key data', () => {
    expect(() => keyFromData([1])).toThrow(/exactly 2 words/);
    expect(() => keyFromData([1, -1])).toThrow(/\[0, 2\^32\)/);
    expect(() => keyFromData([1, 2 ** 32])).toThrow(/\[0, 2\^32\)/);
    expect(() => keyFromData([1, 0.5])).toThrow(/\[0, 2\^32\)/);
    expect(() => keyFromData('ab' as never)).toThrow(/two uint32 words/);
  });
});

describe('split and foldIn', () => {
  const k = key(5);

  it('split(k, 0) is empty; split(k, 1) is the first of any split(k, n) in the partitionable layout', () => {
    expect(split(k, 0)).toEqual([]);
    const one = keyData(split(k, 1)[0]!);
    expect(Array.from(one)).toEqual(Array.from(keyData(split(k, 5)[0]!)));
  });

  it('foldIn takes negative data modulo 2^32', () => {
    expect(Array.from(keyData(foldIn(k, -1)))).toEqual(Array.from(keyData(foldIn(k, 2 ** 32 - 1))));
    expect(Array.from(keyData(foldIn(k, 3)))).not.toEqual(Array.from(keyData(foldIn(k, 4))));
  });

  it('rejects bad arguments', () => {
    expect(() => split(k, -1)).toThrow(/num must be an integer/);
    expect(() => split(k, 2.5)).toThrow(/num must be an integer/);
    expect(() => split({ data: [0, 0] } as never)).toThrow(/key must be a PRNGKey/);
    expect(() => foldIn(k, 1.5)).toThrow(/data must be an integer/);
    expect(() => foldIn(k, 2 ** 32)).toThrow(/data must be an integer/);
    expect(() => foldIn(k, -(2 ** 31) - 1)).toThrow(/data must be an integer/);
  });
});

describe('randomBits', () => {
  it('randomBitsWord gives each word of randomBits alone, in both layouts, odd and even sizes', () => {
    for (const partitionable of [true, false]) {
      const k = foldIn(key(5, { partitionable }), 3);
      for (const size of [1, 2, 3, 7, 8, 66]) {
        const all = randomBits(k, [size]);
        const one = Array.from({ length: size }, (_, i) => randomBitsWord(k, size, i));
        expect(one).toEqual(Array.from(all));
      }
    }
  });

  it('shape [] is one word; shapes are checked', () => {
    const k = key(9);
    expect(randomBits(k, []).length).toBe(1);
    expect(randomBits(k, [])[0]).toBe(randomBits(k, [1])[0]);
    expect(randomBits(k, [0]).length).toBe(0);
    expect(randomBits(k, [2, 3]).length).toBe(6);
    expect(() => randomBits(k, [-1])).toThrow(/non-negative integers/);
    expect(() => randomBits(k, [1.5])).toThrow(/non-negative integers/);
    expect(() => randomBits(k, [2 ** 20, 2 ** 20])).toThrow(/at most/);
  });

  it('legacy layout with odd sizes pads the counter (bits of n and n + 1 differ in the middle)', () => {
    const k = key(0, { partitionable: false });
    const b7 = randomBits(k, [7]);
    const b8 = randomBits(k, [8]);
    // Counters pair (j, j + 4): the first three pairs agree, the fourth pairs 3 with the zero padding.
    expect(Array.from(b7.subarray(0, 3))).toEqual(Array.from(b8.subarray(0, 3)));
    expect(b7[3]).not.toBe(b8[3]);
  });
});
