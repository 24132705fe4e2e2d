import { bitsToOpenUnitFloats, bitsToUnitFloats, erfInvF32, fma32 } from './float32.js';
import type { PRNGKey } from './key.js';
import { drawBits } from './random-bits.js';

const fround = Math.fround;
/** float32 sqrt(2), as JAX's `np.array(np.sqrt(2), float32)`. */
export const SQRT2_F32 = fround(Math.SQRT2);
/** nextafter(-1, 0) in float32: the lower end of the uniform that `normal` inverts. */
const NORMAL_LO = fround(-1 + 2 ** -24);

/** `size` floats of `jax.random.uniform(key, (size,))` in [0, 1), exact float32. */
export function drawUnitFloats(k: PRNGKey, size: number): Float32Array {
  const out = new Float32Array(size);
  bitsToUnitFloats(drawBits(k, size), out);
  return out;
}

/** `size` uniform floats in the open interval (0, 1) (not a JAX stream; for the non-JAX samplers). */
export function drawOpenUnitFloats(k: PRNGKey, size: number): Float32Array {
  const out = new Float32Array(size);
  bitsToOpenUnitFloats(drawBits(k, size), out);
  return out;
}

/**
 * `size` standard normals of `jax.random.normal(key, (size,))`, exact float32: u uniform on
 * [nextafter(-1, 0), 1), then sqrt(2) erf_inv(u) with XLA's float32 erf_inv.
 */
export function drawNormals(k: PRNGKey, size: number): Float32Array {
  const out = drawUnitFloats(k, size);
  for (let i = 0; i < size; i++) {
    // floats * (1 - lo) + lo, where 1 - lo rounds to 2 in float32; 2f + lo is exact in float64.
    const u = fround(2 * out[i]! + NORMAL_LO);
    out[i] = fround(SQRT2_F32 * erfInvF32(u));
  }
  return out;
}

/**
 * `jax.random.uniform` values from unit floats f with bounds lo, hi (float32): max(lo, fma(f, hi - lo, lo)).
 * Exported for the samplers built on uniforms with bounds (truncated normal, gumbel).
 */
export function scaleUnit(f: number, lo: number, hi: number): number {
  const v = fma32(f, fround(hi - lo), lo);
  return v > lo || Number.isNaN(v) ? v : lo;
}
