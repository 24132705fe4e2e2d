/** Which covariance a {@link WelfordState} estimates. */
export type WelfordKind = 'diagonal' | 'dense';

/**
 * Welford's running mean and (co)variance on the host in float64, one accumulator per chain or one
 * pooled over every chain. Mutable: {@link welfordUpdate} updates it in place.
 */
export interface WelfordState {
  /** Diagonal (variances) or dense (covariance). */
  readonly kind: WelfordKind;
  /** Whether one accumulator takes the draws of every chain. */
  readonly pooled: boolean;
  /** Chains C (rows of each update). */
  readonly numChains: number;
  /** Dimension D. */
  readonly dim: number;
  /** Draws each accumulator has seen (pooled: steps × chains). */
  count: number;
  /** Means, `[G, D]` row-major with G = 1 (pooled) or C. */
  readonly mean: Float64Array;
  /** Sums of squared deviations: `[G, D]` (diagonal) or `[G, D, D]` (dense). */
  readonly m2: Float64Array;
}

/** A fresh accumulator for `numChains` chains of dimension `dim`. */
export function welfordInit(numChains: number, dim: number, options: { kind?: WelfordKind; pooled?: boolean } = {}): WelfordState {
  if (!(Number.isInteger(numChains) && numChains >= 1)) throw new RangeError(`welfordInit: numChains must be a positive integer, got ${numChains}`);
  if (!(Number.isInteger(dim) && dim >= 1)) throw new RangeError(`welfordInit: dim must be a positive integer, got ${dim}`);
  const kind = options.kind ?? 'diagonal';
  if (kind !== 'diagonal' && kind !== 'dense') throw new RangeError(`welfordInit: kind must be 'diagonal' or 'dense', got ${String(kind)}`);
  const pooled = options.pooled ?? false;
  const groups = pooled ? 1 : numChains;
  return { kind, pooled, numChains, dim, count: 0, mean: new Float64Array(groups * dim), m2: new Float64Array(groups * (kind === 'dense' ? dim * dim : dim)) };
}

/** Adds one draw per chain (`draws` is `[C, D]` row-major) in place; returns the same state. */
export function welfordUpdate(state: WelfordState, draws: ArrayLike<number>): WelfordState {
  const { numChains: c, dim: d, mean, m2, pooled, kind } = state;
  if (draws.length !== c * d) throw new RangeError(`welfordUpdate: draws has ${draws.length} values, expected [${c}, ${d}] = ${c * d}`);
  const delta = new Float64Array(d);
  let n = state.count;
  const stepCount = n + 1;
  for (let i = 0; i < c; i++) {
    const g = pooled ? 0 : i;
    const count = pooled ? ++n : stepCount;
    const mo = g * d;
    for (let j = 0; j < d; j++) {
      const x = draws[i * d + j]!;
      delta[j] = x - mean[mo + j]!;
      mean[mo + j] = mean[mo + j]! + delta[j]! / count;
    }
    if (kind === 'diagonal') {
      for (let j = 0; j < d; j++) m2[mo + j] = m2[mo + j]! + delta[j]! * (draws[i * d + j]! - mean[mo + j]!);
    } else {
      const so = g * d * d;
      for (let j = 0; j < d; j++) {
        const after = draws[i * d + j]! - mean[mo + j]!;
        for (let k = 0; k < d; k++) m2[so + j * d + k] = m2[so + j * d + k]! + after * delta[k]!;
      }
    }
  }
  state.count = pooled ? n : stepCount;
  return state;
}

/**
 * The sample (co)variance (denominator n - 1) of each accumulator: `[G, D]` or `[G, D, D]`
 * row-major. With `regularize` (default true) it is shrunk as Stan does:
 * (n / (n + 5)) · Σ + 1e-3 · (5 / (n + 5)) · I (the identity only on the diagonal). Fewer than two
 * draws give the identity.
 */
export function welfordCovariance(state: WelfordState, options: { regularize?: boolean } = {}): Float64Array {
  const regularize = options.regularize ?? true;
  const { dim: d, count: n, kind } = state;
  const groups = state.pooled ? 1 : state.numChains;
  const out = new Float64Array(state.m2.length);
  const perGroup = kind === 'dense' ? d * d : d;
  if (n < 2) {
    for (let g = 0; g < groups; g++) for (let j = 0; j < d; j++) out[g * perGroup + (kind === 'dense' ? j * d + j : j)] = 1;
    return out;
  }
  const scale = regularize ? n / (n + 5) / (n - 1) : 1 / (n - 1);
  const shift = regularize ? (1e-3 * 5) / (n + 5) : 0;
  for (let i = 0; i < out.length; i++) out[i] = state.m2[i]! * scale;
  if (shift !== 0)
    for (let g = 0; g < groups; g++)
      for (let j = 0; j < d; j++) {
        const idx = g * perGroup + (kind === 'dense' ? j * d + j : j);
        out[idx] = out[idx]! + shift;
      }
  if (kind === 'dense') {
    // Symmetrise away the rounding of the rank-one updates.
    for (let g = 0; g < groups; g++)
      for (let j = 0; j < d; j++)
        for (let k = j + 1; k < d; k++) {
          const a = g * perGroup + j * d + k;
          const b = g * perGroup + k * d + j;
          const v = 0.5 * (out[a]! + out[b]!);
          out[a] = v;
          out[b] = v;
        }
  }
  return out;
}
