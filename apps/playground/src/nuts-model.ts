// A small BNN sampled with NUTS: 1 → H tanh → 1 with a learned Gaussian noise, N(0, 1) priors on
// the weights and N(-1, 1) on log σ (standardised units), written as a log density over flat
// positions [C, D] in plain tfjs ops so that one call evaluates every chain. @probdl/inference-hmc's
// `sample` runs the chains in lockstep; the band is the predictive of the posterior draws.
import { key } from '@probdl/tensor-backend';
import { sample, type Progress } from '@probdl/inference-hmc';
import { standardize, type Point, type Scaling } from './data.js';
import { drawsBand, type BandRow } from './band.js';
import * as targets from './nuts-target.js';
import { NUTS_HIDDEN, nutsDim } from './nuts-target.js';

export { bnnLogDensity, NUTS_HIDDEN, nutsDim } from './nuts-target.js';

/** Posterior draws behind the band (thinned evenly from all chains). */
const BAND_DRAWS = 200;

export interface NutsOptions {
  readonly seed?: number;
  readonly numChains?: number;
  readonly numWarmup?: number;
  readonly numSamples?: number;
  readonly maxTreeDepth?: number;
  readonly hidden?: number;
  readonly progress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
  /** Web Workers: above 1, the chains run as that many lockstep blocks, each in a worker of its own. */
  readonly workers?: number;
}

/** The page's settings: 4 chains, 120 warmup + 100 draws each, trees of at most 31 leapfrog steps (about 25 s on the default points on a busy 2-core CPU, cpu backend). */
export const NUTS_DEFAULTS = { numChains: 4, numWarmup: 120, numSamples: 100, maxTreeDepth: 5 } as const;

/** Network means `[S, G]` and noise sds `[S]` of S flat draws `[S, D]` at standardised xs, on the host. */
export function drawOutputs(draws: ArrayLike<number>, numDraws: number, xs: readonly number[], hidden = NUTS_HIDDEN): { means: Float64Array; scales: Float64Array } {
  const d = nutsDim(hidden);
  const g = xs.length;
  const means = new Float64Array(numDraws * g);
  const scales = new Float64Array(numDraws * g);
  for (let s = 0; s < numDraws; s++) {
    const o = s * d;
    const sigma = Math.exp(draws[o + 3 * hidden + 1]!);
    for (let j = 0; j < g; j++) {
      let m = draws[o + 3 * hidden]!;
      for (let k = 0; k < hidden; k++) m += draws[o + 2 * hidden + k]! * Math.tanh(xs[j]! * draws[o + k]! + draws[o + hidden + k]!);
      means[s * g + j] = m;
      scales[s * g + j] = sigma;
    }
  }
  return { means, scales };
}

/** A finished NUTS fit: the draws, the log density per draw, and the predictive band. */
export interface NutsFit {
  readonly numChains: number;
  readonly numDraws: number;
  /** Flat unconstrained draws `[C, S, D]` row-major. */
  readonly draws: Float64Array;
  /** Log density (up to a constant) `[C, S]` row-major. */
  readonly logDensity: Float64Array;
  readonly divergences: number;
  readonly elapsedMs: number;
  /** Web Workers the run started (0: it ran in this thread). */
  readonly workersStarted: number;
  /** −log density per draw, averaged over chains (the page's curve). */
  curve(): { step: number; loss: number }[];
  /** The predictive band on the grid xs (plot coordinates). */
  band(xs: readonly number[]): BandRow[];
}

/** Samples the BNN's posterior on `points` (at least 2) with NUTS; rejects with SampleAbortError when `signal` aborts. */
export async function fitNuts(points: readonly Point[], options: NutsOptions = {}): Promise<NutsFit> {
  const o = { ...NUTS_DEFAULTS, ...options };
  const hidden = o.hidden ?? NUTS_HIDDEN;
  const d = nutsDim(hidden);
  const s = standardize(points);
  const scaling: Scaling = s.scaling;
  const workers = o.workers ?? 1;
  const started = performance.now();
  const args = [s.x, s.y, hidden, o.numChains, o.seed ?? 0] as const;
  // In the page's thread the target is made here; workers make their own from the same arguments.
  const inThread = workers > 1 ? undefined : targets.nutsTarget(...args);
  let workersStarted = 0;
  const createWorker = () => {
    workersStarted++;
    return new Worker(new URL('./sampling-worker.ts', import.meta.url), { type: 'module' });
  };
  try {
    const run = await sample(
      key(o.seed ?? 0),
      inThread ?? { module: targets, exportName: 'nutsTarget', args: [...args] },
      {
        numWarmup: o.numWarmup,
        numSamples: o.numSamples,
        maxTreeDepth: o.maxTreeDepth,
        ...(workers > 1 ? { numWorkers: workers, createWorker } : {}),
        ...(o.progress ? { progress: o.progress, progressEvery: Math.max(1, Math.ceil(Math.min(o.numWarmup, o.numSamples) / 15)) } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      },
    );
    const flat = run.unconstrained.x!.values;
    const { numChains, numDraws } = run.stats;
    const logDensity = run.stats.logDensity ?? new Float64Array(numChains * numDraws).fill(Number.NaN);
    let divergences = 0;
    for (const v of run.stats.isDivergent) divergences += v;
    return {
      numChains,
      numDraws,
      draws: flat,
      logDensity,
      divergences,
      // Summed over the groups (workers run theirs at once): the page's own clock when they do.
      elapsedMs: workers > 1 ? performance.now() - started : run.elapsed.warmupMs + run.elapsed.samplingMs,
      workersStarted,
      curve: () =>
        Array.from({ length: numDraws }, (_, i) => {
          let sum = 0;
          for (let c = 0; c < numChains; c++) sum += logDensity[c * numDraws + i]!;
          return { step: i + 1, loss: -sum / numChains };
        }),
      band(xs) {
        const total = numChains * numDraws;
        const k = Math.min(BAND_DRAWS, total);
        const picked = new Float64Array(k * d);
        for (let i = 0; i < k; i++) picked.set(flat.subarray(Math.floor((i * total) / k) * d, Math.floor((i * total) / k) * d + d), i * d);
        const { means, scales } = drawOutputs(picked, k, xs.map((v) => (v - scaling.xMean) / scaling.xStd), hidden);
        return drawsBand(means, scales, xs, scaling);
      },
    };
  } finally {
    inThread?.dispose?.();
    inThread?.initialPosition.dispose();
  }
}
