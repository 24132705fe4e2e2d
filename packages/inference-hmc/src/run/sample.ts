import { foldIn, keyData, keyFromData, type PRNGKey } from '@probdl/tensor-backend';
import type { SampleStats } from '../diagnostics/types.js';
import { GroupAborted, runGroup, type GroupResult } from './group-runner.js';
import { mergeResume, resolveOptions, serializableOptions, type ResolvedOptions } from './options.js';
import { constrainedDraws, makeResult, unconstrainedDraws, type McmcResult } from './result.js';
import { isModuleTarget, resolveTarget, type ResolvedTarget } from './target.js';
import type { Checkpoint, GroupCheckpoint, SampleOptions, SampleTarget } from './types.js';
import { runWorkers } from './workers.js';

/**
 * Rejection of a cancelled {@link sample}: `name` is `'AbortError'` and `checkpoint` resumes the
 * run (`sample(key, target, { ...options, resumeFrom: err.checkpoint })`).
 */
export class SampleAbortError extends Error {
  constructor(readonly checkpoint: Checkpoint) {
    super('sample: aborted by options.signal; resume with options.resumeFrom = error.checkpoint');
    this.name = 'AbortError';
  }
}

/** One group of chains: its chains and key. */
export interface GroupPlan {
  readonly chains: number[];
  readonly key: PRNGKey;
}

/** Whether a run's groups go to worker threads. */
export function inWorkers(o: ResolvedOptions): boolean {
  return o.chainMethod === 'workers' || (o.chainMethod === 'lockstep' && (o.numWorkers ?? 1) > 1);
}

/**
 * The groups of a run: lockstep runs every chain from `key` (or, with numWorkers = k > 1, k blocks
 * of consecutive chains, block b from `foldIn(key, b)`); sequential and workers run chain c alone
 * from `foldIn(key, c)` (so a chain's draws do not depend on the others).
 */
export function planGroups(key: PRNGKey, o: ResolvedOptions): GroupPlan[] {
  if (o.chainMethod === 'lockstep') {
    const blocks = Math.min(o.numWorkers ?? 1, o.numChains);
    if (blocks <= 1) return [{ chains: Array.from({ length: o.numChains }, (_, c) => c), key }];
    // Consecutive chains, the first (numChains mod blocks) blocks one chain longer.
    const plans: GroupPlan[] = [];
    let first = 0;
    for (let b = 0; b < blocks; b++) {
      const size = Math.floor(o.numChains / blocks) + (b < o.numChains % blocks ? 1 : 0);
      plans.push({ chains: Array.from({ length: size }, (_, i) => first + i), key: foldIn(key, b) });
      first += size;
    }
    return plans;
  }
  return Array.from({ length: o.numChains }, (_, c) => ({ chains: [c], key: foldIn(key, c) }));
}

function keyJson(key: PRNGKey): Checkpoint['key'] {
  return { data: Array.from(keyData(key)), partitionable: key.partitionable };
}

/** Stacks the groups' draws and statistics in chain order. */
function stack(results: GroupResult[], c: number, s: number, d: number): { flat: Float64Array; stats: SampleStats } {
  if (results.length === 1) return { flat: results[0]!.draws, stats: results[0]!.stats };
  const flat = new Float64Array(c * s * d);
  const n = c * s;
  const acceptanceRate = new Float64Array(n);
  const isDivergent = new Uint8Array(n);
  const energy = new Float64Array(n);
  const numIntegrationSteps = new Int32Array(n);
  const treeDepth = new Int32Array(n);
  const stepSize = new Float64Array(n);
  const logDensity = new Float64Array(n);
  let chain = 0;
  for (const r of results) {
    const k = r.stats.numChains;
    flat.set(r.draws, chain * s * d);
    acceptanceRate.set(r.stats.acceptanceRate, chain * s);
    isDivergent.set(r.stats.isDivergent, chain * s);
    energy.set(r.stats.energy, chain * s);
    numIntegrationSteps.set(r.stats.numIntegrationSteps, chain * s);
    if (r.stats.treeDepth) treeDepth.set(r.stats.treeDepth, chain * s);
    stepSize.set(r.stats.stepSize, chain * s);
    if (r.stats.logDensity) logDensity.set(r.stats.logDensity, chain * s);
    chain += k;
  }
  const hasDepth = results.every((r) => r.stats.treeDepth !== undefined);
  return {
    flat,
    stats: { numChains: c, numDraws: s, acceptanceRate, isDivergent, energy, numIntegrationSteps, ...(hasDepth ? { treeDepth } : {}), stepSize, logDensity },
  };
}

/**
 * Runs MCMC on a target: warmup (adaptation), then `numSamples` iterations of which every
 * `thinning`-th is kept, for `numChains` chains, and returns constrained draws by site name with
 * sampler statistics, diagnostics and exports.
 *
 * Targets: `{ model, args }` (a @probdl/model model; starting points from
 * `logDensity(model, args).initialPosition(key, { strategy: options.init, numChains })`), a
 * `LogDensityModel`, `{ logDensityFn, initialPosition }` (`[C, D]`; the draws are `x`), or a
 * module `{ module, exportName, args?, kind? }` (required by `chainMethod: 'workers'`, see
 * {@link ModuleTarget}).
 *
 * Keys: the run key splits into (init, warmup, sampling) keys; iteration i of a phase uses
 * `foldIn(phaseKey, i)`. With `chainMethod: 'lockstep'` (default) all chains are one batch
 * `[C, D]` on the device; with 'sequential' chain c runs alone from `foldIn(key, c)`, one after
 * another; 'workers' runs those same single chains in worker threads (Node `worker_threads`, or
 * Web Workers where `Worker` is global), so 'sequential' and 'workers' give identical draws.
 *
 * Warmup: 'window' (default; Stan's windows with dual averaging, a fresh step-size search after
 * each metric update) or 'none' (fixed `stepSize`, default one found by Stan's heuristic, and
 * `inverseMassMatrix`, default the identity). Positions stay on the device; a kept draw is one
 * readback of `[C, D + 1]` (positions and log densities) into host float64 buffers.
 *
 * Cancellation: when `options.signal` aborts, the run stops before its next iteration and
 * rejects with a {@link SampleAbortError} whose `checkpoint` resumes it; `onCheckpoint` receives
 * checkpoints every `checkpointEvery` iterations. A resumed run equals an uninterrupted one with
 * the same key bit for bit. Errors in the options name the option.
 */
export async function sample(key: PRNGKey, target: SampleTarget, options: SampleOptions = {}): Promise<McmcResult> {
  const given = options;
  let o = await resolveOptions(options);
  const resume = given.resumeFrom;
  if (resume !== undefined) {
    o = mergeResume(given, o, resume);
    const k = keyJson(key);
    if (k.data.join(',') !== resume.key.data.join(',') || k.partitionable !== resume.key.partitionable) {
      throw new RangeError('sample: options.resumeFrom was made with another key; pass the same key to resume');
    }
  }
  const workers = inWorkers(o);
  const what = o.chainMethod === 'workers' ? "options.chainMethod 'workers'" : 'options.numWorkers > 1';
  if (workers && !isModuleTarget(target)) {
    throw new TypeError(`sample: ${what} needs a module target { module, exportName, args? } (functions cannot be sent to a worker)`);
  }
  if (workers && o.createWorker === undefined && typeof (target as { module?: unknown }).module === 'object' && !((target as { module?: unknown }).module instanceof URL)) {
    throw new TypeError(`sample: ${what} with target.module given as exports needs options.createWorker (a worker script that calls serveSampling with them)`);
  }
  if (workers && o.kernelObject) throw new TypeError(`sample: options.kernel: a kernel object cannot be sent to workers; name a kernel with ${what}`);
  if (workers && o.initStrategy) throw new TypeError(`sample: options.init cannot be sent to workers; use the default strategy with ${what}`);

  const t: ResolvedTarget = await resolveTarget(target);
  try {
    if (t.numChains !== undefined) {
      if (given.numChains !== undefined && given.numChains !== t.numChains) {
        throw new RangeError(`sample: options.numChains is ${given.numChains} but target.initialPosition has ${t.numChains} rows`);
      }
      o = { ...o, numChains: t.numChains };
    }
    const plans = planGroups(key, o);
    const saved: (GroupCheckpoint | null)[] = resume ? resume.groups.slice() : plans.map(() => null);
    if (saved.length !== plans.length) throw new RangeError(`sample: options.resumeFrom has ${saved.length} chain groups, this run has ${plans.length}`);
    const checkpointOf = (): Checkpoint => ({ version: 1, options: serializableOptions(o), key: keyJson(key), groups: saved.slice() });
    const onCheckpoint = o.onCheckpoint;

    let results: GroupResult[];
    if (workers) {
      results = await runWorkers({
        target: target as Extract<SampleTarget, { module: unknown }>,
        options: o,
        plans,
        saved,
        signal: o.signal,
        progress: o.progress,
        onSnapshot: onCheckpoint ? async () => onCheckpoint(checkpointOf()) : undefined,
      }).catch((e: unknown) => {
        if (e instanceof GroupAborted) throw new SampleAbortError(checkpointOf());
        throw e;
      });
    } else {
      results = [];
      for (let i = 0; i < plans.length; i++) {
        const plan = plans[i]!;
        try {
          const r = await runGroup({
            options: o,
            target: t,
            chains: plan.chains,
            key: plan.key,
            resume: saved[i] ?? null,
            signal: o.signal,
            progress: o.progress,
            onSnapshot: onCheckpoint
              ? async (g) => {
                  saved[i] = g;
                  await onCheckpoint(checkpointOf());
                }
              : undefined,
          });
          saved[i] = r.checkpoint;
          results.push(r);
        } catch (e) {
          if (e instanceof GroupAborted) {
            saved[i] = e.checkpoint;
            throw new SampleAbortError(checkpointOf());
          }
          throw e;
        }
      }
    }
    const s = Math.floor(o.numSamples / o.thinning);
    const { flat, stats } = stack(results, o.numChains, s, t.dim);
    const elapsed = { warmupMs: 0, samplingMs: 0 };
    let gradientEvaluations = 0;
    for (const r of results) {
      elapsed.warmupMs += r.elapsed.warmupMs;
      elapsed.samplingMs += r.elapsed.samplingMs;
      gradientEvaluations += r.gradientEvaluations;
    }
    return makeResult({
      draws: await constrainedDraws(flat, o.numChains, s, t),
      unconstrained: unconstrainedDraws(flat, o.numChains, s, t),
      stats,
      checkpoint: checkpointOf(),
      elapsed,
      gradientEvaluations,
      maxTreeDepth: o.maxTreeDepth,
      numWarmup: o.numWarmup,
    });
  } finally {
    t.dispose();
  }
}

/** A key from a checkpoint's key words. */
export function checkpointKey(checkpoint: Checkpoint): PRNGKey {
  return keyFromData(checkpoint.key.data, { partitionable: checkpoint.key.partitionable });
}
