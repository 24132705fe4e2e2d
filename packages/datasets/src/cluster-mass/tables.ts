import { LOG_M_MAX, LOG_M_MIN, LOG_MSTAR_MAX, LOG_MSTAR_MIN, MF_ALPHA, MF_MSTAR, smfDensity } from './physics.js';

/**
 * @internal Exact inversion of a piecewise-linear CDF: the density is tabulated on `grid` points of
 * [lo, hi], integrated by the trapezoid rule, and `sample(u)` finds the cell holding u (a guide table
 * makes that O(1) on average) and interpolates linearly inside it. Built once per density.
 */
export class InverseCdf {
  private readonly xs: Float64Array;
  private readonly cdf: Float64Array;
  private readonly guide: Int32Array;

  constructor(density: (x: number) => number, lo: number, hi: number, grid = 8192) {
    const xs = new Float64Array(grid);
    const cdf = new Float64Array(grid);
    let prev = density(lo);
    xs[0] = lo;
    for (let i = 1; i < grid; i++) {
      const x = lo + ((hi - lo) * i) / (grid - 1);
      const d = density(x);
      xs[i] = x;
      cdf[i] = cdf[i - 1]! + 0.5 * (prev + d) * (x - xs[i - 1]!);
      prev = d;
    }
    const total = cdf[grid - 1]!;
    for (let i = 0; i < grid; i++) cdf[i] = cdf[i]! / total;
    cdf[grid - 1] = 1;
    // guide[g]: the last cell whose left CDF value is <= g / grid.
    const guide = new Int32Array(grid + 1);
    let j = 0;
    for (let g = 0; g <= grid; g++) {
      while (j < grid - 2 && cdf[j + 1]! <= g / grid) j++;
      guide[g] = j;
    }
    this.xs = xs;
    this.cdf = cdf;
    this.guide = guide;
  }

  /** The quantile at u in (0, 1). */
  sample(u: number): number {
    const last = this.xs.length - 2;
    let j = this.guide[Math.floor(u * (this.xs.length))]!;
    while (j < last && this.cdf[j + 1]! <= u) j++;
    const span = this.cdf[j + 1]! - this.cdf[j]!;
    const t = span > 0 ? (u - this.cdf[j]!) / span : 0;
    return this.xs[j]! + t * (this.xs[j + 1]! - this.xs[j]!);
  }
}

/** dn/dlog10 M of the host haloes, up to a constant, at log10 M = l. */
export function massFunction(l: number): number {
  const m = 10 ** l;
  return 10 ** (-MF_ALPHA * (l - LOG_M_MIN)) * Math.exp(-(m - 10 ** LOG_M_MIN) / MF_MSTAR);
}

let mf: InverseCdf | undefined;
let smf: InverseCdf | undefined;

/** @internal The mass function's inverse CDF on [13.5, 15.8] (built once). */
export function massTable(): InverseCdf {
  return (mf ??= new InverseCdf(massFunction, LOG_M_MIN, LOG_M_MAX));
}

/** @internal The stellar-mass function's inverse CDF on [9.5, 12.5] (built once). */
export function stellarMassTable(): InverseCdf {
  return (smf ??= new InverseCdf(smfDensity, LOG_MSTAR_MIN, LOG_MSTAR_MAX));
}
