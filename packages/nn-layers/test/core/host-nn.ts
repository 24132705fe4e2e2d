/** Float64 host references of the Dense arithmetic and activations, written from their definitions. */

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Elementwise activations by name (softmax is handled per row in {@link denseHost}). */
export const HOST_ACTIVATIONS: Record<string, (z: number) => number> = {
  identity: (z) => z,
  linear: (z) => z,
  relu: (z) => Math.max(z, 0),
  leakyRelu: (z) => (z > 0 ? z : 0.01 * z),
  elu: (z) => (z > 0 ? z : Math.expm1(z)),
  gelu: (z) => 0.5 * z * (1 + Math.tanh(SQRT_2_OVER_PI * (z + 0.044715 * z ** 3))),
  silu: (z) => z * sigmoid(z),
  swish: (z) => z * sigmoid(z),
  sigmoid,
  tanh: Math.tanh,
  softplus: (z) => Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0),
};

/** activation(x · kernel + bias) for x `[rows, inDim]`, kernel `[inDim, outDim]` (row-major). */
export function denseHost(x: ArrayLike<number>, kernel: ArrayLike<number>, bias: ArrayLike<number> | undefined, rows: number, inDim: number, outDim: number, activation: string): Float64Array {
  const out = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outDim; o++) {
      let s = bias === undefined ? 0 : bias[o]!;
      for (let i = 0; i < inDim; i++) s += x[r * inDim + i]! * kernel[i * outDim + o]!;
      out[r * outDim + o] = s;
    }
    if (activation === 'softmax') {
      let m = -Infinity;
      for (let o = 0; o < outDim; o++) m = Math.max(m, out[r * outDim + o]!);
      let z = 0;
      for (let o = 0; o < outDim; o++) z += Math.exp(out[r * outDim + o]! - m);
      for (let o = 0; o < outDim; o++) out[r * outDim + o] = Math.exp(out[r * outDim + o]! - m) / z;
    } else {
      const f = HOST_ACTIVATIONS[activation]!;
      for (let o = 0; o < outDim; o++) out[r * outDim + o] = f(out[r * outDim + o]!);
    }
  }
  return out;
}

/** A deterministic pseudo-random vector for test inputs (no Math.random): a fixed LCG mapped to [-1, 1). */
export function fixedValues(n: number, seed: number, scale = 1): Float64Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

/** Σ w ⊙ y: a scalar that depends on every output element with its own weight. */
export function weightedSum(y: ArrayLike<number>, w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]! * w[i]!;
  return s;
}
