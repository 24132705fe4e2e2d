/**
 * NUTS through `sample` (lockstep chains, window adaptation, diagonal metric): bulk ESS per second
 * (the smallest bulk ESS over the parameters / the run's wall time, warmup included) and gradient
 * evaluations per chain per second, for the issue's logistic regressions (2 features × 100 rows,
 * 25 × 10,000), the five posteriordb posteriors and the 4-weight ReLU network, at C = 1, 4, 64,
 * 1024 chains. Each case also times the raw gradient of the same log density at the same batch
 * size in the same process (bench/support/gradient-rate.ts), so `vsRawGradient` is the share of
 * the raw gradient throughput that the sampler keeps (1 = no overhead). Where rstan is installed
 * the case runs Stan too and prints probdl/Stan ratios. One timed run is one whole `sample` call;
 * the figures are in the case's params (the JSON) and in `[bench]` lines.
 *
 * The issue's targets (2-core CPU, Stan with 4 chains): about 9,600 bulk-ESS/s on lr-2x100, 170 on
 * lr-25x10000, 600,000 BNN gradient evaluations/s; probdl in lockstep must beat Stan's gradient
 * evaluations per second at 1,024 chains and its bulk-ESS/s on both logistic regressions.
 */
import { availableParallelism } from 'node:os';
import { defineBenchmarks, defineCase, type BenchCase } from '@probdl/bench';
import { key } from '@probdl/tensor-backend';
import { sample } from '../src/run/sample.js';
import type { SampleOptions } from '../src/run/types.js';
import { ALL_POSTERIORS, loadBenchPosterior, type BenchPosterior, type BenchPosteriorName } from './support/posteriors.js';
import { gradientRate } from './support/gradient-rate.js';
import { runStan } from './support/stan.js';

/** Chains per run. */
export const CHAIN_COUNTS = [1, 4, 64, 1024] as const;

/** The issue's Stan figures on a 2-core CPU (4 chains), for the printed comparison. */
export const STAN_TARGETS: Partial<Record<BenchPosteriorName, { essPerSecond?: number; gradientsPerSecond?: number }>> = {
  'lr-2x100': { essPerSecond: 9600 },
  'lr-25x10000': { essPerSecond: 170 },
  'bnn-relu4': { gradientsPerSecond: 600_000 },
};

/**
 * Warmup and draws per chain: Stan's 1,000 + 1,000 for few chains; for many, a short warmup (the
 * many chains' draws pay for it; 150 iterations still fit Stan's default windows, 75 + 25 + 50,
 * and 100 use its 15/75/10 % fallback) and more draws than warmup, as many-chain runs are meant to be used. R-hat across the chains
 * is reported beside the ESS, so a warmup too short to adapt shows. Shrunk under --quick.
 */
export function runLength(name: BenchPosteriorName, numChains: number, quick: boolean): Pick<SampleOptions, 'numWarmup' | 'numSamples'> {
  const heavy = name === 'lr-25x10000';
  if (numChains <= 4) return quick ? (heavy ? { numWarmup: 100, numSamples: 100 } : { numWarmup: 200, numSamples: 200 }) : { numWarmup: 1000, numSamples: 1000 };
  if (numChains <= 64) return quick ? (heavy ? { numWarmup: 50, numSamples: 20 } : { numWarmup: 100, numSamples: 50 }) : { numWarmup: 150, numSamples: 300 };
  return quick ? (heavy ? { numWarmup: 20, numSamples: 10 } : { numWarmup: 50, numSamples: 20 }) : { numWarmup: 100, numSamples: 400 };
}

/**
 * Where a case runs: the big cases take hours per run on the JavaScript cpu backend (one
 * lr-25x10000 gradient at C = 1,024 took about 45 s there) and run on wasm and WebGPU only
 * (lr-25x10000 at 64 chains: about 45 ms per [64, 10,000] gradient on wasm) or on WebGPU only
 * (lr-25x10000 at 1,024 chains, the posteriordb models at 1,024 chains).
 */
export function caseBackends(name: BenchPosteriorName, numChains: number): BenchCase['backends'] {
  if (name === 'lr-25x10000' && numChains === 64) return ['wasm', 'webgpu'];
  if (name === 'lr-25x10000' && numChains > 64) return ['webgpu'];
  if (name !== 'lr-2x100' && name !== 'bnn-relu4' && numChains >= 1024) return ['webgpu'];
  return undefined;
}

/**
 * The BNN's posterior has a scale ridge (w0 · w2) on which NUTS builds deep trees, and a lockstep
 * batch waits for its deepest chain: its runs cap the tree depth at 6, which does not change what
 * its case measures (gradient evaluations per second).
 */
export function extraOptions(name: BenchPosteriorName): SampleOptions {
  return name === 'bnn-relu4' ? { maxTreeDepth: 6 } : {};
}

interface RunFigures {
  seconds: number;
  essBulkMin: number;
  rHatMax: number;
  gradientEvaluations: number;
  divergent: number;
  warmupSeconds: number;
  samplingGradientsPerSecond: number;
}

interface State {
  posterior: BenchPosterior;
  rawGradientsPerSecond: number;
  runs: RunFigures[];
  seed: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));

/**
 * Lockstep blocks in worker threads, one per core (`numWorkers`), for the CPU targets at 1,024
 * chains: Stan's figures use every core (4 chains on 2), and so do these cases.
 */
export const WORKER_CASES: readonly BenchPosteriorName[] = ['lr-2x100', 'bnn-relu4'];
const CORES = availableParallelism();

function nutsCase(name: BenchPosteriorName, numChains: number, numWorkers = 1): BenchCase<State> {
  const params: Record<string, string | number | boolean> = { posterior: name, chains: numChains, kernel: 'nuts', adaptation: 'window', chainMethod: 'lockstep', numWorkers };
  const inWorkers = numWorkers > 1;
  return defineCase<State>({
    name: `${name} C=${numChains}${inWorkers ? ` workers=${numWorkers}` : ''}`,
    unit: 'sample run',
    sync: 'sample() resolves after reading every draw back to the host',
    params,
    // Workers run on the CPU backends (each starts its own; WebGPU's one device gains nothing).
    backends: inWorkers ? ['cpu', 'wasm'] : caseBackends(name, numChains),
    timing: { warmupRuns: 0, warmupMs: 0, minRuns: 1, minTimeMs: 0, maxRuns: 2, maxTimeMs: 60_000 },
    setup: async (ctx) => {
      const posterior = await loadBenchPosterior(name);
      if (posterior === undefined) throw new Error(`${name}: reference files missing (../shared/reference/posteriordb)`);
      const rawGradientsPerSecond = await gradientRate(posterior, numChains, ctx.quick ? 200 : 1000);
      Object.assign(params, runLength(name, numChains, ctx.quick), extraOptions(name));
      return { posterior, rawGradientsPerSecond, runs: [], seed: 0 };
    },
    run: async ({ state, quick }) => {
      const t0 = performance.now();
      const { target, release } = inWorkers
        ? { target: { module: new URL('./support/worker-target.ts', import.meta.url), exportName: 'benchTarget', args: [name, numChains] }, release: () => undefined }
        : state.posterior.target(numChains);
      const result = await sample(key(1000 + state.seed++), target, { numChains, numWorkers, ...runLength(name, numChains, quick), ...extraOptions(name) }).finally(release);
      const seconds = (performance.now() - t0) / 1000;
      const rows = result.summary().rows;
      state.runs.push({
        seconds,
        essBulkMin: Math.min(...rows.map((r) => r.essBulk)),
        rHatMax: Math.max(...rows.map((r) => r.rHat)),
        gradientEvaluations: result.gradientEvaluations,
        divergent: result.stats.isDivergent.reduce((a, b) => a + b, 0),
        // The sampling phase alone (chains out of step), from the kept draws' leapfrog steps.
        warmupSeconds: result.elapsed.warmupMs / 1000,
        samplingGradientsPerSecond: result.stats.numIntegrationSteps.reduce((a, b) => a + b, 0) / (result.elapsed.samplingMs / 1000),
      });
    },
    teardown: ({ state, backend }) => {
      const essPerSecond = median(state.runs.map((r) => r.essBulkMin / r.seconds));
      const gradientsPerSecond = median(state.runs.map((r) => r.gradientEvaluations / r.seconds));
      // The harness keeps one params object per case (the first backend's), so the figures are
      // named after their backend; every backend's figures are also in the [bench] line below.
      const figures: Record<string, number> = {
        essBulkMin: Math.round(median(state.runs.map((r) => r.essBulkMin))),
        rHatMax: Number(median(state.runs.map((r) => r.rHatMax)).toFixed(4)),
        essPerSecond: Number(fmt(essPerSecond)),
        gradientsPerSecond: Math.round(gradientsPerSecond),
        rawGradientsPerSecond: Math.round(state.rawGradientsPerSecond),
        vsRawGradient: Number((gradientsPerSecond / state.rawGradientsPerSecond).toFixed(3)),
        divergent: median(state.runs.map((r) => r.divergent)),
        warmupSeconds: Number(fmt(median(state.runs.map((r) => r.warmupSeconds)))),
        samplingGradientsPerSecond: Math.round(median(state.runs.map((r) => r.samplingGradientsPerSecond))),
      };
      for (const [k, v] of Object.entries(figures)) params[`${backend}:${k}`] = v;
      const parts = [
        `${backend}: nuts ${name} C=${numChains}${inWorkers ? ` in ${numWorkers} workers` : ''}: bulk-ESS/s ${fmt(essPerSecond)} (min bulk ESS ${figures.essBulkMin}, max R-hat ${figures.rHatMax} in ${fmt(median(state.runs.map((r) => r.seconds)))} s, warmup included)`,
        `gradients/s ${fmt(gradientsPerSecond)} = ${fmt(figures.vsRawGradient!)} × raw ${fmt(state.rawGradientsPerSecond)} (warmup ${figures.warmupSeconds} s; sampling phase alone ${fmt(figures.samplingGradientsPerSecond!)} gradients/s${inWorkers ? '; both per worker: times summed over the workers' : ''})`,
      ];
      const target = STAN_TARGETS[name];
      if (target?.essPerSecond) parts.push(`vs issue's Stan ${target.essPerSecond} ESS/s: ${(essPerSecond / target.essPerSecond).toFixed(3)}×`);
      if (target?.gradientsPerSecond) parts.push(`vs issue's Stan ${target.gradientsPerSecond} gradients/s: ${(gradientsPerSecond / target.gradientsPerSecond).toFixed(3)}×`);
      const stan = runStan(name, state.posterior.stan);
      if (stan) {
        Object.assign(params, { 'stan:essPerSecond': Number(fmt(stan.essPerSecond)), 'stan:gradientsPerSecond': Math.round(stan.gradientsPerSecond) });
        parts.push(`Stan here: ${fmt(stan.essPerSecond)} ESS/s (${(essPerSecond / stan.essPerSecond).toFixed(3)}×), ${fmt(stan.gradientsPerSecond)} gradients/s (${(gradientsPerSecond / stan.gradientsPerSecond).toFixed(3)}×)`);
      }
      process.stderr.write(`[bench] ${parts.join('; ')}\n`);
      state.posterior.dispose();
    },
  });
}

export default defineBenchmarks({
  package: '@probdl/inference-hmc',
  description: 'NUTS bulk-ESS/s (warmup included) and gradient evaluations/s per chain against the raw gradient (and Stan where rstan is installed), C = 1, 4, 64, 1024.',
  cases: [
    ...ALL_POSTERIORS.flatMap((name) => CHAIN_COUNTS.map((C) => nutsCase(name, C))),
    ...(CORES > 1 ? WORKER_CASES.map((name) => nutsCase(name, 1024, CORES)) : []),
  ],
});
