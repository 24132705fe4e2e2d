import { random, type PRNGKey } from '@probdl/tensor-backend';

/** `n` float32-grid uniforms on [lo, hi) from the key (JAX's mantissa construction of `uniform`), on the host. */
export function uniformHost(k: PRNGKey, n: number, lo: number, hi: number): Float64Array {
  const bits = random.randomBits(k, [n]);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + ((bits[i]! >>> 9) * 2 ** -23) * (hi - lo);
  return out;
}

/** `n` standard normals from the key (the values of `random.normal(key, [n])`), on the host. */
export function normalHost(k: PRNGKey, n: number): Float32Array {
  return random.normalHost(k, [n]);
}

/** Throws unless `n` is a positive integer. */
export function checkCount(fn: string, arg: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${fn}: ${arg} must be a positive integer, got ${String(n)}`);
}
