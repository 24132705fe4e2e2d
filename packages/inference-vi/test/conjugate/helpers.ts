import { key, random } from '@probdl/tensor-backend';

/** Row-major float64 matrix for the brute-force references of these tests. */
export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** A synthetic regression problem from a fixed key: Φ (N × D, standard normal), w, y = Φw + noise. */
export function syntheticProblem(seed: number, n: number, d: number, noiseSd = 0.5): { phi: Mat; y: Float64Array; w: Float64Array } {
  const [k1, k2, k3] = random.split(key(seed), 3) as [ReturnType<typeof key>, ReturnType<typeof key>, ReturnType<typeof key>];
  const phi = { rows: n, cols: d, data: Float64Array.from(random.normalHost(k1, [n, d])) };
  const w = Float64Array.from(random.normalHost(k2, [d]));
  const e = random.normalHost(k3, [n]);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (phi.data[i * d + j] as number) * (w[j] as number);
    y[i] = s + noiseSd * (e[i] as number);
  }
  return { phi, y, w };
}

/** Rows of a Mat as nested arrays. */
export function rowsOf(m: Mat): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

/** Gauss–Jordan inverse with partial pivoting (independent of the Cholesky code under test). */
export function invert(a: Mat): Mat {
  const n = a.rows;
  const m = Float64Array.from(a.data);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    for (let k = 0; k < n; k++) {
      [m[c * n + k], m[p * n + k]] = [m[p * n + k]!, m[c * n + k]!];
      [inv[c * n + k], inv[p * n + k]] = [inv[p * n + k]!, inv[c * n + k]!];
    }
    const piv = m[c * n + c]!;
    for (let k = 0; k < n; k++) {
      m[c * n + k]! /= piv;
      inv[c * n + k]! /= piv;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c]!;
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        m[r * n + k]! -= f * m[c * n + k]!;
        inv[r * n + k]! -= f * inv[c * n + k]!;
      }
    }
  }
  return { rows: n, cols: n, data: inv };
}

/** log |det A| by Gaussian elimination with partial pivoting. */
export function logAbsDet(a: Mat): number {
  const n = a.rows;
  const m = Float64Array.from(a.data);
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k]!, m[c * n + k]!];
    const piv = m[c * n + c]!;
    s += Math.log(Math.abs(piv));
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / piv;
      for (let k = c; k < n; k++) m[r * n + k]! -= f * m[c * n + k]!;
    }
  }
  return s;
}

/** Brute-force posterior: Σ = inv(diag(α) + ΦᵀΦ/σ²), μ = Σ(diag(α) m₀ + Φᵀy/σ²), by a direct inverse. */
export function bruteForcePosterior(phi: Mat, y: Float64Array, alpha: number | Float64Array, s2: number, m0?: Float64Array): { mean: Float64Array; cov: Mat } {
  const { rows: n, cols: d } = phi;
  const a = { rows: d, cols: d, data: new Float64Array(d * d) };
  const b = new Float64Array(d);
  const al = (j: number): number => (typeof alpha === 'number' ? alpha : alpha[j]!);
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += phi.data[i * d + j]! * phi.data[i * d + k]!;
      a.data[j * d + k] = s / s2 + (j === k ? al(j) : 0);
    }
    let t = 0;
    for (let i = 0; i < n; i++) t += phi.data[i * d + j]! * y[i]!;
    b[j] = t / s2 + al(j) * (m0 ? m0[j]! : 0);
  }
  const cov = invert(a);
  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) mean[j]! += cov.data[j * d + k]! * b[k]!;
  return { mean, cov };
}

/** Brute-force log evidence through the N × N marginal: log N(y | Φ m₀, σ² I + Φ diag(α)⁻¹ Φᵀ). */
export function bruteForceEvidence(phi: Mat, y: Float64Array, alpha: number | Float64Array, s2: number, m0?: Float64Array): number {
  const { rows: n, cols: d } = phi;
  const al = (j: number): number => (typeof alpha === 'number' ? alpha : alpha[j]!);
  const c = { rows: n, cols: n, data: new Float64Array(n * n) };
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (phi.data[i * d + j]! * phi.data[k * d + j]!) / al(j);
      c.data[i * n + k] = s + (i === k ? s2 : 0);
    }
  }
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let f = 0;
    if (m0) for (let j = 0; j < d; j++) f += phi.data[i * d + j]! * m0[j]!;
    r[i] = y[i]! - f;
  }
  const ci = invert(c);
  let q = 0;
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) q += r[i]! * ci.data[i * n + k]! * r[k]!;
  return -0.5 * (n * Math.log(2 * Math.PI) + logAbsDet(c) + q);
}

/** Relative-or-absolute closeness check with a clear failure message. */
export function expectClose(got: number, want: number, rtol: number, atol: number, what: string): void {
  if (!(Math.abs(got - want) <= atol + rtol * Math.abs(want))) {
    throw new Error(`${what}: got ${got}, expected ${want} (|diff| ${Math.abs(got - want).toExponential(3)} > atol ${atol} + rtol ${rtol}·|expected|)`);
  }
}

/**
 * Checks the tfjs gradient of `deviceFn` against central finite differences (step h) of `hostFn`,
 * the same function in float64, evaluated at the float32-rounded inputs the device sees:
 * |g − g_ref| ≤ atol + rtol·|g_ref| for every element.
 */
export async function expectGradientsMatchHost(
  deviceFn: (...xs: import('@tensorflow/tfjs-core').Tensor[]) => import('@tensorflow/tfjs-core').Scalar,
  hostFn: (inputs: Float64Array[]) => number,
  inputs: readonly { values: ArrayLike<number>; shape: number[] }[],
  tol: { rtol: number; atol: number },
  h = 1e-6,
): Promise<void> {
  const tf = await import('@tensorflow/tfjs-core');
  const tensors = inputs.map((i) => tf.tensor(Float32Array.from(i.values), i.shape));
  const grads = tf.grads((...xs: import('@tensorflow/tfjs-core').Tensor[]) => deviceFn(...xs))(tensors);
  const got = await Promise.all(grads.map(async (g) => Float64Array.from(await g.data())));
  tf.dispose([...tensors, ...grads]);
  const work = inputs.map((i) => Float64Array.from(Float32Array.from(i.values)));
  work.forEach((arr, k) => {
    for (let i = 0; i < arr.length; i++) {
      const x0 = arr[i]!;
      arr[i] = x0 + h;
      const fp = hostFn(work);
      arr[i] = x0 - h;
      const fm = hostFn(work);
      arr[i] = x0;
      const want = (fp - fm) / (2 * h);
      const g = got[k]![i]!;
      if (!(Math.abs(g - want) <= tol.atol + tol.rtol * Math.abs(want))) {
        throw new Error(`input ${k}, element ${i}: gradient ${g} vs finite difference ${want} (|err| ${Math.abs(g - want).toExponential(2)})`);
      }
    }
  });
}

/**
 * A fast float64 evidence for grid searches over (α, σ²) with a fixed Φ: precomputes ΦᵀΦ, Φᵀy and
 * yᵀy, then per call solves the D × D system by a Gauss–Jordan inverse (checked against the N × N
 * form in log-evidence.test.ts and posterior.test.ts through the code paths both are compared with).
 */
export function evidenceGrid(phi: Mat, y: Float64Array): (alpha: number, s2: number) => number {
  const { rows: n, cols: d } = phi;
  const g = new Float64Array(d * d);
  const b = new Float64Array(d);
  let yy = 0;
  for (let i = 0; i < n; i++) {
    yy += y[i]! ** 2;
    for (let j = 0; j < d; j++) {
      b[j]! += phi.data[i * d + j]! * y[i]!;
      for (let k = 0; k < d; k++) g[j * d + k]! += phi.data[i * d + j]! * phi.data[i * d + k]!;
    }
  }
  return (alpha, s2) => {
    const a = { rows: d, cols: d, data: g.map((v, idx) => v / s2 + (idx % (d + 1) === 0 ? alpha : 0)) };
    const ai = invert(a);
    const mu = new Float64Array(d);
    for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) mu[j]! += (ai.data[j * d + k]! * b[k]!) / s2;
    let muGmu = 0;
    let mub = 0;
    let mm = 0;
    for (let j = 0; j < d; j++) {
      mub += mu[j]! * b[j]!;
      mm += mu[j]! ** 2;
      for (let k = 0; k < d; k++) muGmu += mu[j]! * g[j * d + k]! * mu[k]!;
    }
    const rss = yy - 2 * mub + muGmu;
    return -0.5 * n * Math.log(2 * Math.PI * s2) - rss / (2 * s2) - 0.5 * alpha * mm + 0.5 * (d * Math.log(alpha) - logAbsDet(a));
  };
}
