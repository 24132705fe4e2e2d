import { random, split, type PRNGKey } from '@probdl/tensor-backend';

/**
 * The index order of `jax.random.permutation(key, n)` computed on the host, as an Int32Array:
 * JAX's `_shuffle` of `arange(n)`, `ceil(3 ln n / ln(2^32 - 1))` rounds, each splitting the key and
 * stably sorting by fresh 32-bit words from tensor-backend's `random.randomBits`. Bit-identical to
 * `random.permutation(key, n)` of tensor-backend (and to JAX), with no device readback.
 */
export function permutationIndices(k: PRNGKey, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`permutationIndices: n must be a non-negative integer, got ${String(n)}`);
  let x = new Int32Array(n);
  for (let i = 0; i < n; i++) x[i] = i;
  const rounds = Math.ceil((3 * Math.log(Math.max(1, n))) / Math.log(2 ** 32 - 1));
  let current = k;
  const order = new Uint32Array(n);
  for (let r = 0; r < rounds; r++) {
    const [next, sub] = split(current, 2) as [PRNGKey, PRNGKey];
    current = next;
    const sortKeys = random.randomBits(sub, [n]);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => sortKeys[a]! - sortKeys[b]! || a - b);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) y[i] = x[order[i]!]!;
    x = y;
  }
  return x;
}
