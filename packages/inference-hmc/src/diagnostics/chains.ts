import { ndtriF64 } from './special-f64.js';

/** A `[chains, draws]` series, row-major (chain `c`'s draw `t` at `c · draws + t`). */
export interface ChainMatrix {
  readonly values: Float64Array;
  readonly numChains: number;
  readonly numDraws: number;
}

/**
 * Validates a row-major `[numChains, draws]` array and wraps it. Throws naming `fn` when the
 * length is not a multiple of `numChains`.
 */
export function asChains(fn: string, x: Float64Array, numChains: number): ChainMatrix {
  if (!Number.isInteger(numChains) || numChains < 1) {
    throw new Error(`${fn}: numChains must be a positive integer, got ${numChains}`);
  }
  if (x.length % numChains !== 0) {
    throw new Error(`${fn}: ${x.length} values do not split into ${numChains} chains of equal length`);
  }
  return { values: x, numChains, numDraws: x.length / numChains };
}

/** True when some value is NaN or infinite. */
export function hasNonFinite(x: Float64Array): boolean {
  for (const v of x) if (!Number.isFinite(v)) return true;
  return false;
}

/**
 * ArviZ's `_split_chains`: each chain split into its first and last `floor(draws / 2)` draws
 * (the middle draw of an odd chain is dropped), giving `2 · chains` chains.
 */
export function splitChains(m: ChainMatrix): ChainMatrix {
  const half = Math.floor(m.numDraws / 2);
  const out = new Float64Array(2 * m.numChains * half);
  for (let c = 0; c < m.numChains; c++) {
    const start = c * m.numDraws;
    out.set(m.values.subarray(start, start + half), c * half);
    out.set(m.values.subarray(start + m.numDraws - half, start + m.numDraws), (m.numChains + c) * half);
  }
  return { values: out, numChains: 2 * m.numChains, numDraws: half };
}

/** Mean of an array. */
export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] ?? 0;
  return s / x.length;
}

/** Variance with `ddof` (two-pass). */
export function variance(x: ArrayLike<number>, ddof = 0): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] ?? 0) - m;
    s += d * d;
  }
  return s / (x.length - ddof);
}

/**
 * Ranks 1..n with ties given their average rank (`scipy.stats.rankdata(method='average')`), for
 * finite values: a numeric sort and two binary searches per value (ties at sorted positions
 * `lo .. hi − 1` share rank `(lo + hi + 1) / 2`).
 */
export function averageRanks(x: Float64Array): Float64Array {
  const sorted = Float64Array.from(x).sort();
  const n = sorted.length;
  const bound = (v: number, upper: boolean): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = sorted[mid] ?? 0;
      if (s < v || (upper && s === v)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return x.map((v) => (bound(v, false) + bound(v, true) + 1) / 2);
}

/**
 * Rank normalisation (Vehtari et al. 2021, eq. 14; ArviZ's `_z_scale`): `Φ⁻¹((r − 3/8) / (S + 1/4))`
 * with `r` the average rank over all `S` values of every chain.
 */
export function zScale(m: ChainMatrix): ChainMatrix {
  const ranks = averageRanks(m.values);
  const size = m.values.length;
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = ndtriF64(((ranks[i] ?? 0) - 0.375) / (size + 0.25));
  return { ...m, values: out };
}

/** Applies `f` to every value. */
export function mapChains(m: ChainMatrix, f: (v: number) => number): ChainMatrix {
  return { ...m, values: m.values.map(f) };
}
