import * as tf from '@tensorflow/tfjs-core';
import type { Tree } from '@probdl/tensor-backend';
import type { HistogramPrior, PreparedClusterMass } from '@probdl/datasets';
import type { Head, Module } from '@probdl/nn-layers';
import { mapChunks } from './train.js';

/** The tutorial's grid of log masses: 100 points on linspace(13.51, 15.2). */
export const TUTORIAL_GRID = { from: 13.51, to: 15.2, points: 100 } as const;

/** Names of the estimators compared in the report, in table order. */
export const METHODS = ['mse', 'mdnMean', 'mdnMode', 'mdnModeReweighted', 'mSigma', 'mSigmaInverse'] as const;
export type Method = (typeof METHODS)[number];
export const METHOD_LABELS: Record<Method, string> = {
  mse: 'MSE network',
  mdnMean: 'MDN posterior mean',
  mdnMode: 'MDN posterior mode',
  mdnModeReweighted: 'MDN mode, prior-reweighted',
  mSigma: 'M–σ power law, log M on log σ',
  mSigmaInverse: 'M–σ power law, Ho et al. (σ on M, inverted)',
};

/**
 * The grid of log masses: the tutorial's linspace(13.51, 15.2, 100), narrowed to the training
 * masses' range when the catalogue is smaller (a prior of zero cannot be divided by).
 */
export function massGrid(prior: HistogramPrior): Float64Array {
  const lo = Math.max(TUTORIAL_GRID.from, prior.edges[0]!);
  const hi = Math.min(TUTORIAL_GRID.to, prior.edges[prior.bins]! - 1e-9);
  const g = new Float64Array(TUTORIAL_GRID.points);
  for (let i = 0; i < g.length; i++) g[i] = lo + (i * (hi - lo)) / (g.length - 1);
  return g;
}

/** What the MDN says about each test cluster, on the host. */
export interface MdnPredictions {
  readonly grid: Float64Array;
  /** The prior density at each grid point. */
  readonly priorOnGrid: Float64Array;
  /** Grid points whose prior bin is empty: left out of the reweighted posterior. */
  readonly emptyPriorPoints: number;
  /** The mixture's exact mean, in log mass. */
  readonly mean: Float64Array;
  /** The grid mode of p(M | x). */
  readonly mode: Float64Array;
  /** The grid mode of p(M | x) / p(M), the tutorial's prior-corrected estimate. */
  readonly modeReweighted: Float64Array;
  /** Normalised densities (per dex) on the grid for `showRows`: before and after reweighting. */
  readonly curves: { row: number; before: Float64Array; after: Float64Array }[];
}

/**
 * Evaluates the MDN on the test set: the exact mixture mean, and log p(y | x) on the mass grid,
 * from which the host takes the posterior mode before and after dividing by the training prior.
 */
export async function predictMdn(args: {
  body: Module;
  head: Head;
  params: Tree;
  data: PreparedClusterMass;
  showRows: readonly number[];
  chunk?: number;
}): Promise<MdnPredictions> {
  const { body, head, params, data } = args;
  const grid = massGrid(data.prior);
  const G = grid.length;
  const gridY = Float32Array.from(grid, (m) => data.logMassToY(m));
  const priorOnGrid = Float64Array.from(grid, (m) => data.prior.pdf(m));
  const emptyPriorPoints = priorOnGrid.filter((p) => !(p > 0)).length;
  const gridT = tf.tensor3d(gridY, [G, 1, 1]);
  const chunk = args.chunk ?? 2048;
  const n = data.xTest.shape[0];
  const mean = new Float64Array(n);
  const mode = new Float64Array(n);
  const modeReweighted = new Float64Array(n);
  const show = new Map(args.showRows.map((r) => [r, true]));
  const curves: MdnPredictions['curves'] = [];
  const dm = grid.length > 1 ? grid[1]! - grid[0]! : 1;
  const normalise = (w: Float64Array): Float64Array => {
    let s = 0;
    for (const v of w) s += v;
    return w.map((v) => v / (s * dm));
  };
  try {
    for (let start = 0; start < n; start += chunk) {
      const size = Math.min(chunk, n - start);
      const [meanT, logpT] = tf.tidy(() => {
        const x = tf.slice(data.xTest, [start, 0], [size, data.xTest.shape[1]]);
        const dist = head.apply(body.apply(params, x));
        try {
          const m = tf.reshape(dist.mean(), [size]);
          // [G, size]: log p(y_g | x_i) for every grid point and cluster.
          const lp = dist.logProb(tf.broadcastTo(gridT, [G, size, 1]));
          return [m, lp];
        } finally {
          dist.dispose();
        }
      });
      const [mv, lpv] = [(await meanT!.data()) as Float32Array, (await logpT!.data()) as Float32Array];
      tf.dispose([meanT!, logpT!]);
      const lp = new Float64Array(G);
      for (let i = 0; i < size; i++) {
        const row = start + i;
        mean[row] = data.yToLogMass(mv[i]!);
        let best = -Infinity;
        let bestW = -Infinity;
        let gBest = 0;
        let gBestW = 0;
        let max = -Infinity;
        for (let g = 0; g < G; g++) {
          lp[g] = lpv[g * size + i]!;
          if (lp[g]! > max) max = lp[g]!;
        }
        for (let g = 0; g < G; g++) {
          if (lp[g]! > best) {
            best = lp[g]!;
            gBest = g;
          }
          const p = priorOnGrid[g]!;
          const w = p > 0 ? lp[g]! - Math.log(p) : -Infinity;
          if (w > bestW) {
            bestW = w;
            gBestW = g;
          }
        }
        mode[row] = grid[gBest]!;
        modeReweighted[row] = grid[gBestW]!;
        if (show.has(row)) {
          const before = Float64Array.from(lp, (v) => Math.exp(v - max));
          const after = before.map((v, g) => (priorOnGrid[g]! > 0 ? v / priorOnGrid[g]! : 0));
          curves.push({ row, before: normalise(before), after: normalise(after) });
        }
      }
    }
  } finally {
    gridT.dispose();
  }
  return { grid, priorOnGrid, emptyPriorPoints, mean, mode, modeReweighted, curves };
}

/** The MSE network's predictions on the test set, in log mass. */
export async function predictMse(body: Module, params: Tree, data: PreparedClusterMass): Promise<Float64Array> {
  const chunks = await mapChunks(data.xTest, 8192, (x) => body.apply(params, x));
  const out = new Float64Array(data.xTest.shape[0]);
  let k = 0;
  for (const c of chunks) for (const v of c) out[k++] = data.yToLogMass(v);
  return out;
}

/** A straight line y = intercept + slope x fitted by ordinary least squares (float64). */
export function leastSquaresLine(x: ArrayLike<number>, y: ArrayLike<number>): { slope: number; intercept: number } {
  const n = x.length;
  if (n < 2) throw new RangeError(`leastSquaresLine: needs at least 2 points, got ${n}`);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  if (!(sxx > 0)) throw new RangeError('leastSquaresLine: x is constant');
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** The M–σ power laws fitted on the training clusters and applied to the test ones. */
export interface MSigmaBaseline {
  /** log M = a + b log σ_v, least squares over all training clusters. */
  readonly direct: { slope: number; intercept: number };
  /** log σ_v = a + b log M over training clusters with 14 ≤ log M < 15, inverted (Ho et al.'s M–σ). */
  readonly inverse: { slope: number; intercept: number; clusters: number };
  readonly predDirect: Float64Array;
  readonly predInverse: Float64Array;
}

export function fitMSigma(logSigmaTrain: Float64Array, logMassTrain: Float64Array, logSigmaTest: Float64Array): MSigmaBaseline {
  const direct = leastSquaresLine(logSigmaTrain, logMassTrain);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < logMassTrain.length; i++) {
    if (logMassTrain[i]! >= 14 && logMassTrain[i]! < 15) {
      xs.push(logMassTrain[i]!);
      ys.push(logSigmaTrain[i]!);
    }
  }
  // Too few clusters in 10^14–10^15 (a tiny catalogue): fall back on all of them.
  const inv = xs.length >= 20 ? leastSquaresLine(xs, ys) : leastSquaresLine(logMassTrain, logSigmaTrain);
  return {
    direct,
    inverse: { ...inv, clusters: xs.length >= 20 ? xs.length : logMassTrain.length },
    predDirect: logSigmaTest.map((s) => direct.intercept + direct.slope * s),
    predInverse: logSigmaTest.map((s) => (s - inv.intercept) / inv.slope),
  };
}

/** Residual statistics ε = predicted − true log mass, in dex. */
export interface ResidualStats {
  readonly n: number;
  /** Mean ε (bias). */
  readonly bias: number;
  /** Standard deviation of ε (scatter). */
  readonly scatter: number;
  /** Half the 16–84% width of ε. */
  readonly halfWidth68: number;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

export function residualStats(eps: ArrayLike<number>): ResidualStats {
  const n = eps.length;
  if (n === 0) return { n: 0, bias: NaN, scatter: NaN, halfWidth68: NaN };
  let m = 0;
  for (let i = 0; i < n; i++) m += eps[i]!;
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (eps[i]! - m) ** 2;
  const sorted = Float64Array.from(eps).sort();
  return { n, bias: m, scatter: Math.sqrt(v / Math.max(1, n - 1)), halfWidth68: (quantile(sorted, 0.84) - quantile(sorted, 0.16)) / 2 };
}

/** Mass bins of the bias/scatter table (true log10 M200c), 0.25 dex wide from 13.5. */
export const MASS_BIN_EDGES = [13.5, 13.75, 14, 14.25, 14.5, 14.75, 15, 15.5] as const;

export interface BinnedStats {
  readonly lo: number;
  readonly hi: number;
  readonly stats: Record<Method, ResidualStats>;
}

/** Bias and scatter of each method per bin of true mass, and over ranges. */
export function binnedResiduals(truth: Float64Array, preds: Record<Method, Float64Array>, edges: readonly number[] = MASS_BIN_EDGES): BinnedStats[] {
  const out: BinnedStats[] = [];
  for (let b = 0; b + 1 < edges.length; b++) {
    out.push(rangeResiduals(truth, preds, edges[b]!, edges[b + 1]!));
  }
  return out;
}

export function rangeResiduals(truth: Float64Array, preds: Record<Method, Float64Array>, lo: number, hi: number): BinnedStats {
  const rows: number[] = [];
  for (let i = 0; i < truth.length; i++) if (truth[i]! >= lo && truth[i]! < hi) rows.push(i);
  const stats = {} as Record<Method, ResidualStats>;
  for (const m of METHODS) stats[m] = residualStats(rows.map((i) => preds[m][i]! - truth[i]!));
  return { lo, hi, stats };
}
