// Float64 host references for the layers' tests (not a test file). Straight loops, written from the
// definitions, sharing no code with src.

/** Deterministic standard-normal-ish test data (mulberry32 + Box–Muller); tests must not use Math.random. */
export function hostNormal(seed: number, n: number, scale = 1, shift = 0): Float64Array {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u1 = next() || 1e-12;
    const u2 = next();
    out[i] = shift + scale * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return out;
}

/** Shape product. */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** LayerNorm over the last axis of a row-major array with `features` columns. */
export function layerNormHost(x: Float64Array, features: number, scale: Float64Array | null, bias: Float64Array | null, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / features; r++) {
    let m = 0;
    for (let j = 0; j < features; j++) m += x[r * features + j]!;
    m /= features;
    let v = 0;
    for (let j = 0; j < features; j++) v += (x[r * features + j]! - m) ** 2;
    v /= features;
    for (let j = 0; j < features; j++) {
      let y = (x[r * features + j]! - m) / Math.sqrt(v + eps);
      if (scale) y *= scale[j]!;
      if (bias) y += bias[j]!;
      out[r * features + j] = y;
    }
  }
  return out;
}

/**
 * Mean and biased variance per feature of x with shape `shape`, feature axis `axis` (negative):
 * every other axis is reduced.
 */
export function featureStatsHost(x: Float64Array, shape: readonly number[], axis: number): { mean: Float64Array; variance: Float64Array } {
  const fa = shape.length + axis;
  const C = shape[fa]!;
  const inner = sizeOf(shape.slice(fa + 1));
  const featOf = (i: number): number => Math.floor(i / inner) % C;
  const mean = new Float64Array(C);
  const count = x.length / C;
  x.forEach((v, i) => (mean[featOf(i)]! += v / count));
  const variance = new Float64Array(C);
  x.forEach((v, i) => (variance[featOf(i)]! += (v - mean[featOf(i)]!) ** 2 / count));
  return { mean, variance };
}

/** (x − mean)/√(var + ε)·scale + bias per feature (axis negative). */
export function normaliseHost(
  x: Float64Array,
  shape: readonly number[],
  axis: number,
  mean: Float64Array,
  variance: Float64Array,
  scale: Float64Array | null,
  bias: Float64Array | null,
  eps: number,
): Float64Array {
  const fa = shape.length + axis;
  const C = shape[fa]!;
  const inner = sizeOf(shape.slice(fa + 1));
  return x.map((v, i) => {
    const c = Math.floor(i / inner) % C;
    let y = (v - mean[c]!) / Math.sqrt(variance[c]! + eps);
    if (scale) y *= scale[c]!;
    if (bias) y += bias[c]!;
    return y;
  });
}

/** TF/Flax 'SAME' padding before, and the output size, for one spatial axis. */
function padInfo(n: number, k: number, s: number, d: number, padding: 'SAME' | 'VALID'): { out: number; before: number } {
  const eff = (k - 1) * d + 1;
  if (padding === 'VALID') return { out: Math.floor((n - eff) / s) + 1, before: 0 };
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + eff - n, 0);
  return { out, before: Math.floor(total / 2) };
}

/**
 * Direct 2-D convolution (cross-correlation, as in TF/Flax), NHWC x `[N, H, W, C]`, kernel
 * `[kh, kw, C, O]`, optional bias; returns the values and the shape `[N, oh, ow, O]`.
 */
export function conv2dHost(
  x: Float64Array,
  xShape: readonly [number, number, number, number],
  kernel: Float64Array,
  kShape: readonly [number, number, number, number],
  bias: Float64Array | null,
  strides: readonly [number, number],
  dilation: readonly [number, number],
  padding: 'SAME' | 'VALID',
): { values: Float64Array; shape: number[] } {
  const [N, H, W, C] = xShape;
  const [kh, kw, , O] = kShape;
  const ph = padInfo(H, kh, strides[0], dilation[0], padding);
  const pw = padInfo(W, kw, strides[1], dilation[1], padding);
  const out = new Float64Array(N * ph.out * pw.out * O);
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < ph.out; oy++)
      for (let ox = 0; ox < pw.out; ox++)
        for (let o = 0; o < O; o++) {
          let acc = bias ? bias[o]! : 0;
          for (let i = 0; i < kh; i++) {
            const iy = oy * strides[0] - ph.before + i * dilation[0];
            if (iy < 0 || iy >= H) continue;
            for (let j = 0; j < kw; j++) {
              const ix = ox * strides[1] - pw.before + j * dilation[1];
              if (ix < 0 || ix >= W) continue;
              for (let c = 0; c < C; c++) acc += x[((n * H + iy) * W + ix) * C + c]! * kernel[((i * kw + j) * C + c) * O + o]!;
            }
          }
          out[((n * ph.out + oy) * pw.out + ox) * O + o] = acc;
        }
  return { values: out, shape: [N, ph.out, pw.out, O] };
}

/** Σ w·y: a scalar with generic weights, so that gradients of normalised outputs are not trivially zero. */
export function weightedSumHost(y: Float64Array, w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]! * w[i]!;
  return s;
}
