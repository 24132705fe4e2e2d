import * as tf from '@tensorflow/tfjs-core';

/**
 * A Euclidean metric on the host in float64, for samplers that keep their trajectory bookkeeping
 * off the device: per chain `c`, M⁻¹ p, ½ pᵀ M⁻¹ p, the U-turn criterion and momenta from normals.
 * Vectors are rows of flat `[C, D]` arrays, addressed by their offsets.
 */
export interface HostMetric {
  readonly kind: 'diagonal' | 'dense';
  readonly dim: number;
  /** `out[o..o+D) = M⁻¹_c x[xo..xo+D)`. */
  velocity(c: number, x: Float64Array, xo: number, out: Float64Array, o: number): void;
  /** ½ pᵀ M⁻¹_c p. */
  kineticEnergy(c: number, p: Float64Array, po: number): number;
  /**
   * The generalised U-turn criterion (centred form of NumPyro and BlackJAX): turning when
   * (M⁻¹ p⁻)·ρ' ≤ 0 or (M⁻¹ p⁺)·ρ' ≤ 0 with ρ' = ρ − (p⁻ + p⁺)/2.
   */
  isTurning(c: number, left: Float64Array, lo: number, right: Float64Array, ro: number, sum: Float64Array, so: number): boolean;
  /** p = z / √(M⁻¹) (diagonal) or p = L⁻ᵀ z with M⁻¹ = L Lᵀ (dense), row c of `[C, D]` arrays. */
  momentumFromNormals(c: number, z: ArrayLike<number>, zo: number, out: Float64Array, o: number): void;
}

// Read-back metrics by tensor: sampling reuses one matrix for every transition.
const cache = new WeakMap<tf.Tensor, HostMetric>();

/**
 * The host metric of an inverse mass matrix for C chains of dimension D: `[D]` or `[C, D]`
 * diagonal, `[D, D]` or `[C, D, D]` dense (`kind` decides a rank-2 matrix; without it `[D, D]` is
 * dense). Reads the matrix back once per tensor.
 */
export async function hostMetric(inverseMassMatrix: tf.Tensor, numChains: number, dim: number, kind: 'diagonal' | 'dense'): Promise<HostMetric> {
  const cached = cache.get(inverseMassMatrix);
  if (cached !== undefined && cached.kind === kind && cached.dim === dim) return cached;
  const values = Float64Array.from(await inverseMassMatrix.data());
  const perChain = kind === 'diagonal' ? inverseMassMatrix.rank === 2 : inverseMassMatrix.rank === 3;
  const metric = kind === 'diagonal' ? diagonalMetric(values, dim, perChain) : denseMetric(values, numChains, dim, perChain);
  cache.set(inverseMassMatrix, metric);
  return metric;
}

function diagonalMetric(m: Float64Array, d: number, perChain: boolean): HostMetric {
  const invSqrt = m.map((v) => 1 / Math.sqrt(v));
  const base = (c: number) => (perChain ? c * d : 0);
  return {
    kind: 'diagonal',
    dim: d,
    velocity(c, x, xo, out, o) {
      const b = base(c);
      for (let i = 0; i < d; i++) out[o + i] = x[xo + i]! * m[b + i]!;
    },
    kineticEnergy(c, p, po) {
      const b = base(c);
      let s = 0;
      for (let i = 0; i < d; i++) s += p[po + i]! * p[po + i]! * m[b + i]!;
      return 0.5 * s;
    },
    isTurning(c, left, lo, right, ro, sum, so) {
      const b = base(c);
      let dl = 0;
      let dr = 0;
      for (let i = 0; i < d; i++) {
        const rho = sum[so + i]! - (left[lo + i]! + right[ro + i]!) / 2;
        dl += left[lo + i]! * m[b + i]! * rho;
        dr += right[ro + i]! * m[b + i]! * rho;
      }
      return dl <= 0 || dr <= 0;
    },
    momentumFromNormals(c, z, zo, out, o) {
      const b = base(c);
      for (let i = 0; i < d; i++) out[o + i] = z[zo + i]! * invSqrt[b + i]!;
    },
  };
}

/** Lower Cholesky factor of the SPD `[D, D]` block at `offset` (float64). */
function choleskyAt(a: Float64Array, offset: number, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let s = a[offset + j * d + j]!;
    for (let k = 0; k < j; k++) s -= l[j * d + k]! * l[j * d + k]!;
    if (!(s > 0)) throw new RangeError(`inverseMassMatrix: not positive definite (pivot ${j} is ${s})`);
    const ljj = Math.sqrt(s);
    l[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = a[offset + i * d + j]!;
      for (let k = 0; k < j; k++) t -= l[i * d + k]! * l[j * d + k]!;
      l[i * d + j] = t / ljj;
    }
  }
  return l;
}

function denseMetric(m: Float64Array, numChains: number, d: number, perChain: boolean): HostMetric {
  const factors = Array.from({ length: perChain ? numChains : 1 }, (_, c) => choleskyAt(m, c * d * d, d));
  const base = (c: number) => (perChain ? c * d * d : 0);
  const scratch = new Float64Array(2 * d);
  const matvec = (c: number, x: Float64Array, xo: number, out: Float64Array, o: number) => {
    const b = base(c);
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = b + i * d;
      for (let j = 0; j < d; j++) s += m[row + j]! * x[xo + j]!;
      out[o + i] = s;
    }
  };
  return {
    kind: 'dense',
    dim: d,
    velocity: matvec,
    kineticEnergy(c, p, po) {
      matvec(c, p, po, scratch, 0);
      let s = 0;
      for (let i = 0; i < d; i++) s += p[po + i]! * scratch[i]!;
      return 0.5 * s;
    },
    isTurning(c, left, lo, right, ro, sum, so) {
      matvec(c, left, lo, scratch, 0);
      matvec(c, right, ro, scratch, d);
      let dl = 0;
      let dr = 0;
      for (let i = 0; i < d; i++) {
        const rho = sum[so + i]! - (left[lo + i]! + right[ro + i]!) / 2;
        dl += scratch[i]! * rho;
        dr += scratch[d + i]! * rho;
      }
      return dl <= 0 || dr <= 0;
    },
    momentumFromNormals(c, z, zo, out, o) {
      // Back substitution of Lᵀ p = z.
      const l = factors[perChain ? c : 0]!;
      for (let i = d - 1; i >= 0; i--) {
        let s = z[zo + i]!;
        for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * out[o + k]!;
        out[o + i] = s / l[i * d + i]!;
      }
    },
  };
}
