/**
 * Threefry-2x32 with 20 rounds, the block function behind JAX's default PRNG (`threefry2x32`), and the
 * two counter layouts JAX feeds it: the legacy one (`jax_threefry_partitionable=False`) and the
 * partitionable one (the default since JAX 0.5). Pure host code on 32-bit integers.
 *
 * Arithmetic is done in int32 (`| 0`) because V8 keeps small integers unboxed; the bits are the same
 * as uint32 arithmetic modulo 2^32, and storing into a Uint32Array reinterprets them.
 */

/** Largest number of 32-bit words one call may produce (a Uint32Array limit well below 2^32). */
export const MAX_WORDS = 2 ** 31 - 1;

/** Output of the last {@link threefryHash} call: words 0 and 1 (reused, so the hot loops allocate nothing). */
export const hashOut = new Uint32Array(2);

/**
 * Hashes the counter pair (x0, x1) under the key (k0, k1) and writes the two output words to
 * {@link hashOut}. All arguments are 32-bit integers (signed or unsigned; only the low 32 bits count).
 */
export function threefryHash(k0: number, k1: number, x0: number, x1: number): void {
  const k2 = k0 ^ k1 ^ 0x1bd11bda;
  let a = (x0 + k0) | 0;
  let b = (x1 + k1) | 0;
  // Round group 1: rotations 13, 15, 26, 6.
  a = (a + b) | 0; b = (b << 13) | (b >>> 19); b ^= a;
  a = (a + b) | 0; b = (b << 15) | (b >>> 17); b ^= a;
  a = (a + b) | 0; b = (b << 26) | (b >>> 6); b ^= a;
  a = (a + b) | 0; b = (b << 6) | (b >>> 26); b ^= a;
  a = (a + k1) | 0; b = (b + k2 + 1) | 0;
  // Round group 2: rotations 17, 29, 16, 24.
  a = (a + b) | 0; b = (b << 17) | (b >>> 15); b ^= a;
  a = (a + b) | 0; b = (b << 29) | (b >>> 3); b ^= a;
  a = (a + b) | 0; b = (b << 16) | (b >>> 16); b ^= a;
  a = (a + b) | 0; b = (b << 24) | (b >>> 8); b ^= a;
  a = (a + k2) | 0; b = (b + k0 + 2) | 0;
  a = (a + b) | 0; b = (b << 13) | (b >>> 19); b ^= a;
  a = (a + b) | 0; b = (b << 15) | (b >>> 17); b ^= a;
  a = (a + b) | 0; b = (b << 26) | (b >>> 6); b ^= a;
  a = (a + b) | 0; b = (b << 6) | (b >>> 26); b ^= a;
  a = (a + k0) | 0; b = (b + k1 + 3) | 0;
  a = (a + b) | 0; b = (b << 17) | (b >>> 15); b ^= a;
  a = (a + b) | 0; b = (b << 29) | (b >>> 3); b ^= a;
  a = (a + b) | 0; b = (b << 16) | (b >>> 16); b ^= a;
  a = (a + b) | 0; b = (b << 24) | (b >>> 8); b ^= a;
  a = (a + k1) | 0; b = (b + k2 + 4) | 0;
  a = (a + b) | 0; b = (b << 13) | (b >>> 19); b ^= a;
  a = (a + b) | 0; b = (b << 15) | (b >>> 17); b ^= a;
  a = (a + b) | 0; b = (b << 26) | (b >>> 6); b ^= a;
  a = (a + b) | 0; b = (b << 6) | (b >>> 26); b ^= a;
  a = (a + k2) | 0; b = (b + k0 + 5) | 0;
  hashOut[0] = a;
  hashOut[1] = b;
}

/**
 * JAX's `threefry_2x32(key, iota(n))` (the legacy layout): the counter 0..n-1, padded with one 0 when
 * n is odd, is cut into two halves that form the counter pairs; the outputs are concatenated and
 * trimmed to n words. Writes into `out` (length n).
 */
export function threefryIotaLegacy(k0: number, k1: number, out: Uint32Array): void {
  const n = out.length;
  const half = (n + (n & 1)) / 2;
  for (let j = 0; j < half; j++) {
    const second = j + half;
    // Odd n: the last pair's second counter is the zero padding, and its second output is dropped.
    threefryHash(k0, k1, j, second < n ? second : 0);
    out[j] = hashOut[0]!;
    if (second < n) out[second] = hashOut[1]!;
  }
}

/**
 * Bits of the partitionable layout (`_threefry_random_bits_partitionable`): element i hashes the 64-bit
 * counter i split as (hi, lo) and keeps the xor of the two output words. Writes into `out`.
 */
export function threefryBitsPartitionable(k0: number, k1: number, out: Uint32Array): void {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    threefryHash(k0, k1, 0, i);
    out[i] = hashOut[0]! ^ hashOut[1]!;
  }
}

/**
 * Key data of `split(key, num)` as `num * 2` words (row-major [num, 2]) in either layout:
 * legacy `threefry_2x32(key, iota(2 num))` reshaped, or partitionable `hash(key, (0, i))`.
 */
export function threefrySplitWords(k0: number, k1: number, num: number, partitionable: boolean): Uint32Array {
  const out = new Uint32Array(num * 2);
  if (partitionable) {
    for (let i = 0; i < num; i++) {
      threefryHash(k0, k1, 0, i);
      out[2 * i] = hashOut[0]!;
      out[2 * i + 1] = hashOut[1]!;
    }
  } else {
    threefryIotaLegacy(k0, k1, out);
  }
  return out;
}
