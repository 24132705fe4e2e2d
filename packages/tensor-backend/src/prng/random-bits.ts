import { assertKey, type PRNGKey } from './key.js';
import { checkShape } from './shape.js';
import { hashOut, threefryBitsPartitionable, threefryHash, threefryIotaLegacy } from './threefry.js';

/** `size` uint32 words of `jax.random.bits(key, (size,))` in the key's layout (no argument checks). */
export function drawBits(k: PRNGKey, size: number): Uint32Array {
  const out = new Uint32Array(size);
  if (k.partitionable) threefryBitsPartitionable(k.data[0]!, k.data[1]!, out);
  else threefryIotaLegacy(k.data[0]!, k.data[1]!, out);
  return out;
}

/**
 * Raw 32-bit random words on the host, bit-identical to `jax.random.bits(key, shape, dtype=uint32)`,
 * flattened row-major. `shape` `[]` gives one word. (Stream layout: see {@link PRNGKey.partitionable}.)
 */
export function randomBits(k: PRNGKey, shape: readonly number[] = []): Uint32Array {
  assertKey('randomBits', k);
  const { size } = checkShape('randomBits', shape);
  return drawBits(k, size);
}

/**
 * Word `index` of `randomBits(k, [size])`, computed alone: for a sampler that reads a block of
 * words one at a time and may stop early (NUTS reads a doubling's words as its subtree grows), one
 * hash per word read and no arrays. `0 <= index < size` (not checked: a hot path).
 */
export function randomBitsWord(k: PRNGKey, size: number, index: number): number {
  const k0 = k.data[0]!;
  const k1 = k.data[1]!;
  if (k.partitionable) {
    threefryHash(k0, k1, 0, index);
    return (hashOut[0]! ^ hashOut[1]!) >>> 0;
  }
  // Legacy layout: counters 0..size-1 (padded to even) cut in halves that form the pairs.
  const half = (size + (size & 1)) / 2;
  if (index < half) {
    const second = index + half;
    threefryHash(k0, k1, index, second < size ? second : 0);
    return hashOut[0]!;
  }
  threefryHash(k0, k1, index - half, index);
  return hashOut[1]!;
}
