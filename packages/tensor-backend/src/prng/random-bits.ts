import { assertKey, type PRNGKey } from './key.js';
import { checkShape } from './shape.js';
import { threefryBitsPartitionable, threefryIotaLegacy } from './threefry.js';

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
