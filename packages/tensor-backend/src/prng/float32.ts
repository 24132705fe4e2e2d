/**
 * Exact float32 arithmetic on the host, to reproduce what XLA computes on CPU bit for bit.
 * JS numbers are float64; `Math.fround` rounds to float32. A float32 sum or product computed in
 * float64 and rounded once is the correctly rounded float32 result, except for fused multiply-add,
 * which needs the correction in {@link fma32}.
 */

const fround = Math.fround;

// The float64 bits of the last fma32 sum, to spot float32 halfway cases without a second rounding.
const sumBox = new Float64Array(1);
const sumWords = new Uint32Array(sumBox.buffer);
const LOW_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const MIN_NORMAL_F32 = 2 ** -126;

/**
 * `fma(a, b, c)` rounded once to float32, for float32 inputs (XLA's CPU compiler fuses a multiply
 * feeding an add into one FMA instruction). a*b is exact in float64 (48 bits); rounding the float64
 * sum to float32 is then correct unless that sum lies exactly halfway between two float32s (its low
 * 29 mantissa bits are 1 followed by zeros), where the sum's own rounding error decides the direction.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  sumBox[0] = s;
  if ((sumWords[LOW_WORD]! & 0x1fffffff) !== 0x10000000 && Math.abs(s) >= MIN_NORMAL_F32) return fround(s);
  return fma32Careful(p, c, s);
}

/** The rare path of {@link fma32}: halfway cases, float32 subnormals, zero and NaN. */
function fma32Careful(p: number, c: number, s: number): number {
  const r = fround(s);
  const d = s - r;
  if (d === 0 || d !== d) return r;
  const other = r + 2 * d;
  if (fround(other) !== other) return r; // not halfway: the double rounding was harmless
  // Two-sum error of p + c: the exact value is s + e.
  const cc = s - p;
  const e = p - (s - cc) + (c - cc);
  if (e === 0) return r;
  return e > 0 === d > 0 ? other : r;
}

/** The float32 after x towards +Infinity (x a float32). */
export function nextUp32(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return 2 ** -149;
  const f = new Float32Array([x]);
  const i = new Int32Array(f.buffer);
  i[0] = x > 0 ? i[0]! + 1 : i[0]! - 1;
  return f[0]!;
}

/** The float32 after x towards -Infinity (x a float32). */
export function nextDown32(x: number): number {
  return -nextUp32(-x);
}

/**
 * The uniform floats in [0, 1) of `jax.random.uniform`: the top 23 bits of each word become the
 * mantissa of a float in [1, 2), minus 1. Writes into `out` (same length as `bits`).
 */
export function bitsToUnitFloats(bits: Uint32Array, out: Float32Array): void {
  // Through one shared word rather than a view of `out`: making a view costs more than a short draw.
  for (let i = 0; i < bits.length; i++) {
    WORD_U32[0] = (bits[i]! >>> 9) | 0x3f800000;
    out[i] = WORD_F32[0]! - 1;
  }
}

const WORD_U32 = new Uint32Array(1);
const WORD_F32 = new Float32Array(WORD_U32.buffer);

/**
 * Uniform floats in the open interval (0, 1): (k + 1/2) 2^-23 for the top 23 bits k, so never 0 or 1
 * and exactly representable. Used by the non-JAX samplers that take logarithms.
 */
export function bitsToOpenUnitFloats(bits: Uint32Array, out: Float32Array): void {
  for (let i = 0; i < bits.length; i++) out[i] = ((bits[i]! >>> 9) + 0.5) * 2 ** -23;
}

// XLA's float32 erf_inv (the chlo decomposition, M. Giles' single-precision approximation).
const ERFINV_SMALL = [
  2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164,
  0.246640727, 1.50140941,
].map(fround);
const ERFINV_LARGE = [
  -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
  1.00167406, 2.83297682,
].map(fround);
const S0 = ERFINV_SMALL[0]!, S1 = ERFINV_SMALL[1]!, S2 = ERFINV_SMALL[2]!, S3 = ERFINV_SMALL[3]!, S4 = ERFINV_SMALL[4]!;
const S5 = ERFINV_SMALL[5]!, S6 = ERFINV_SMALL[6]!, S7 = ERFINV_SMALL[7]!, S8 = ERFINV_SMALL[8]!;
const L0 = ERFINV_LARGE[0]!, L1 = ERFINV_LARGE[1]!, L2 = ERFINV_LARGE[2]!, L3 = ERFINV_LARGE[3]!, L4 = ERFINV_LARGE[4]!;
const L5 = ERFINV_LARGE[5]!, L6 = ERFINV_LARGE[6]!, L7 = ERFINV_LARGE[7]!, L8 = ERFINV_LARGE[8]!;

/**
 * float32 `erf_inv(x)` as XLA computes it on CPU (JAX 0.10, reproduced bit for bit on the reference
 * answers): w = -log1p(-x^2); a degree-8 polynomial in w - 2.5 (w < 5) or sqrt(w) - 3, evaluated by
 * Horner with fused multiply-adds; times x. log1p is float64 rounded to float32 (correctly rounded
 * but for astronomically rare double-rounding cases). erf_inv(±1) = ±Infinity.
 */
export function erfInvF32(x: number): number {
  const w0 = -fround(Math.log1p(-fround(x * x)));
  let p: number;
  if (w0 < 5) {
    const w = fround(w0 - 2.5);
    p = fma32(S0, w, S1);
    p = fma32(p, w, S2);
    p = fma32(p, w, S3);
    p = fma32(p, w, S4);
    p = fma32(p, w, S5);
    p = fma32(p, w, S6);
    p = fma32(p, w, S7);
    p = fma32(p, w, S8);
  } else {
    const w = fround(fround(Math.sqrt(w0)) - 3);
    p = fma32(L0, w, L1);
    p = fma32(p, w, L2);
    p = fma32(p, w, L3);
    p = fma32(p, w, L4);
    p = fma32(p, w, L5);
    p = fma32(p, w, L6);
    p = fma32(p, w, L7);
    p = fma32(p, w, L8);
  }
  if (Math.abs(x) === 1) return x * Infinity;
  return fround(p * x);
}

// XLA's float32 erf on CPU (LLVM IR emitter, a rational approximation from Eigen).
const ERF_CLAMP = fround(3.832506856900711);
const EA = [1.128379143519084, 0.18520832239976145, 0.050955695062380861, 0.0034082910107109506, 0.00022905065861350646].map(fround);
const EB = [
  1.0, 0.49746925110067538, 0.11098505178285362, 0.014070470171167667, 0.0010179625278914885, 0.000023547966471313185,
  -1.1791602954361697e-7,
].map(fround);

/** float32 `erf(x)` as XLA computes it on CPU: x P(x^2) / Q(x^2) with FMAs, ±1 beyond |x| ≥ 3.8325. */
export function erfF32(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) >= ERF_CLAMP) return x > 0 ? 1 : -1;
  const x2 = fround(x * x);
  let p = fma32(x2, EA[4]!, EA[3]!);
  p = fma32(x2, p, EA[2]!);
  p = fma32(x2, p, EA[1]!);
  p = fma32(x2, p, EA[0]!);
  p = fround(x * p);
  let q = fma32(x2, EB[6]!, EB[5]!);
  q = fma32(x2, q, EB[4]!);
  q = fma32(x2, q, EB[3]!);
  q = fma32(x2, q, EB[2]!);
  q = fma32(x2, q, EB[1]!);
  q = fma32(x2, q, EB[0]!);
  return fround(p / q);
}

/** float32 natural log (float64 log rounded once; XLA's own float32 log may differ by an ulp). */
export function logF32(x: number): number {
  return fround(Math.log(x));
}
