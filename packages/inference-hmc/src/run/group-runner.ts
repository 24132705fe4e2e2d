import * as tf from '@tensorflow/tfjs-core';
import { foldIn, keyData, split, type PRNGKey } from '@probdl/tensor-backend';
import { findReasonableStepSize } from '../adaptation/find-reasonable-step-size.js';
import type { SampleStats } from '../diagnostics/types.js';
import { tracedLogDensity } from '../internal/traced-log-density.js';
import { euclideanMetric } from '../metrics/euclidean.js';
import { metricForChains } from '../metrics/for-chains.js';
import type { HmcParams, HmcState, Kernel, KernelInfo, LogDensityFn, StepSize } from '../types.js';
import { kernelChooser, makeAdaptation, makeKernel, samplingParams, type RunParams } from './components.js';
import { HostBuffers, jsonNumber, numberFromJson } from './host-buffers.js';
import type { ResolvedOptions } from './options.js';
import { deserializeTree, disposeReplaced, serializeTree } from './serialize.js';
import type { ResolvedTarget } from './target.js';
import type { GroupCheckpoint, HostParams, Progress } from './types.js';

/** One group of chains run in lockstep: all chains (lockstep) or one (sequential, workers). */
export interface GroupRun {
  readonly options: ResolvedOptions;
  readonly target: ResolvedTarget;
  /** Global indices of the group's chains. */
  readonly chains: readonly number[];
  readonly key: PRNGKey;
  readonly resume: GroupCheckpoint | null;
  readonly signal?: AbortSignal | undefined;
  readonly progress?: ((p: Progress) => void) | undefined;
  /** Receives a snapshot every `options.checkpointEvery` iterations of the group. */
  readonly onSnapshot?: ((g: GroupCheckpoint) => Promise<void>) | undefined;
}

/** What a finished group hands back. */
export interface GroupResult {
  /** Unconstrained draws `[C, S, D]` row-major. */
  readonly draws: Float64Array;
  readonly stats: SampleStats;
  readonly gradientEvaluations: number;
  readonly elapsed: { warmupMs: number; samplingMs: number };
  /** The final snapshot (phase 'done'). */
  readonly checkpoint: GroupCheckpoint;
}

/** Thrown inside the runner when the signal aborts; carries the group's snapshot. */
export class GroupAborted extends Error {
  constructor(readonly checkpoint: GroupCheckpoint) {
    super('sampling aborted');
    this.name = 'AbortError';
  }
}

/** Lets timers and messages run (an abort from a timer, a browser's UI) without a cost per iteration. */
let lastYield = 0;
async function yieldNow(): Promise<void> {
  const now = performance.now();
  if (now - lastYield < 20) return;
  lastYield = now;
  await new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

function disposeState(old: HmcState, next: HmcState | undefined): void {
  for (const name of ['position', 'logDensity', 'logDensityGrad'] as const) {
    if (next === undefined || old[name] !== next[name]) old[name].dispose();
  }
}

async function paramsToHost(p: RunParams): Promise<HostParams> {
  const stepSize = typeof p.stepSize === 'number' ? p.stepSize : Array.from(p.stepSize);
  const inverseMassMatrix = { shape: p.inverseMassMatrix.shape.slice(), values: Array.from(await p.inverseMassMatrix.data()) };
  return {
    stepSize,
    inverseMassMatrix,
    ...(p.metric ? { metric: p.metric } : {}),
    ...(p.numIntegrationSteps !== undefined ? { numIntegrationSteps: p.numIntegrationSteps } : {}),
    ...(p.maxIntegrationSteps !== undefined ? { maxIntegrationSteps: p.maxIntegrationSteps } : {}),
  };
}

function paramsFromHost(h: HostParams): RunParams {
  return {
    stepSize: typeof h.stepSize === 'number' ? h.stepSize : Float64Array.from(h.stepSize),
    inverseMassMatrix: tf.tensor(Float32Array.from(h.inverseMassMatrix.values), h.inverseMassMatrix.shape, 'float32'),
    ...(h.metric ? { metric: h.metric } : {}),
    ...(h.numIntegrationSteps !== undefined ? { numIntegrationSteps: h.numIntegrationSteps } : {}),
    ...(h.maxIntegrationSteps !== undefined ? { maxIntegrationSteps: h.maxIntegrationSteps } : {}),
  };
}

function stepSizeOf(s: StepSize, c: number): number {
  return typeof s === 'number' ? s : s[c]!;
}

function metricOf(p: RunParams, c: number, d: number) {
  return p.metric ? euclideanMetric(p.inverseMassMatrix, p.metric) : metricForChains(p.inverseMassMatrix, c, d);
}

/**
 * Kernels read the metric kind from the shape, where a per-chain diagonal `[C, D]` with C = D
 * reads as a dense `[D, D]`: such a matrix is handed over as per-chain dense `[C, D, D]` diagonal
 * matrices (a fresh tensor, freed by the caller when it is not `p.inverseMassMatrix`).
 */
function forKernel(p: RunParams, c: number, d: number): RunParams {
  const m = p.inverseMassMatrix;
  if (p.metric !== 'diagonal' || m.rank !== 2 || c !== d) return p;
  return { ...p, inverseMassMatrix: tf.tidy(() => tf.mul(tf.expandDims(m, -1), tf.eye(d))) };
}

/** One kernel step with {@link forKernel}'s parameters. */
async function stepWith(kernel: Kernel<HmcParams>, key: PRNGKey, state: HmcState, fn: LogDensityFn, p: RunParams, c: number, d: number): Promise<[HmcState, KernelInfo]> {
  const q = forKernel(p, c, d);
  try {
    return await kernel.step(key, state, fn, q);
  } finally {
    if (q.inverseMassMatrix !== p.inverseMassMatrix) q.inverseMassMatrix.dispose();
  }
}

/** The initial inverse mass matrix: the option, or the identity (`[D]`, or `[D, D]` for a dense metric). */
function initialInverseMassMatrix(o: ResolvedOptions, d: number): tf.Tensor {
  const given = o.inverseMassMatrix;
  if (given) {
    if (given.shape[0] !== d) throw new RangeError(`sample: options.inverseMassMatrix must be [${d}] or [${d}, ${d}], got [${given.shape.join(', ')}]`);
    return tf.tensor(Float32Array.from(given.values), given.shape, 'float32');
  }
  return o.metric === 'dense' ? tf.eye(d) : tf.ones([d]);
}

/** The option's step size for this group's chains (or undefined: search one). */
function givenStepSize(o: ResolvedOptions, chains: readonly number[]): StepSize | undefined {
  const s = o.stepSize;
  if (s === null) return undefined;
  if (typeof s === 'number') return s;
  if (s.length !== o.numChains) throw new RangeError(`sample: options.stepSize has ${s.length} values for ${o.numChains} chains`);
  return Float64Array.from(chains, (c) => s[c]!);
}

/**
 * Runs warmup then sampling for one group of chains, resuming from `resume` when given. Keys:
 * the group key splits into (init, warmup, sampling); iteration i of a phase uses
 * `foldIn(phaseKey, i)`, so a resumed run repeats an uninterrupted one exactly.
 */
export async function runGroup(g: GroupRun): Promise<GroupResult> {
  const o = g.options;
  // Host NUTS replays the gradient's recorded kernels (same values, far less tfjs bookkeeping).
  const traced = o.traceGradient ? tracedLogDensity(g.target.logDensityFn) : undefined;
  const fn = traced?.logDensityFn ?? g.target.logDensityFn;
  const c = g.chains.length;
  const d = g.target.dim;
  const kernelFor = kernelChooser(o, g.target.independentRows);
  const kernel = makeKernel(o, g.target.independentRows);
  const adaptation = makeAdaptation(o);
  const numKept = Math.floor(o.numSamples / o.thinning);
  const buffers = new HostBuffers(c, numKept, d);
  const [initKey, warmupKey, samplingKey] = split(g.key, 3) as [PRNGKey, PRNGKey, PRNGKey];
  const elapsed = { warmupMs: 0, samplingMs: 0 };
  let gradientEvaluations = 0;
  let phase: 'warmup' | 'sampling' | 'done';
  let iteration: number;
  let state: HmcState | undefined;
  let adState: unknown;
  let fixed: RunParams | undefined;
  const running = { count: 0, acceptance: new Float64Array(c), divergences: new Float64Array(c), treeDepth: new Float64Array(c) };
  let lastStepSize: StepSize = 0;
  const started = performance.now();

  const snapshot = async (): Promise<GroupCheckpoint> => ({
    chains: g.chains.slice(),
    key: { data: Array.from(keyData(g.key)), partitionable: g.key.partitionable },
    phase,
    iteration,
    positions: state ? Array.from(await state.position.data(), jsonNumber) : [],
    adaptation: phase === 'warmup' && adaptation ? await serializeTree(adState) : null,
    params: fixed ? await paramsToHost(fixed) : null,
    running: { count: running.count, acceptance: Array.from(running.acceptance), divergences: Array.from(running.divergences), treeDepth: Array.from(running.treeDepth) },
    ...buffers.toJson(),
    gradientEvaluations,
    elapsed: { ...elapsed },
  });

  try {
    const r = g.resume;
    if (r) {
      if (r.chains.length !== c || r.positions.length !== (r.phase === 'done' ? r.positions.length : c * d)) {
        throw new RangeError('sample: options.resumeFrom: the checkpoint does not fit this target and options');
      }
      phase = r.phase;
      iteration = r.iteration;
      gradientEvaluations = r.gradientEvaluations;
      elapsed.warmupMs = r.elapsed.warmupMs;
      elapsed.samplingMs = r.elapsed.samplingMs;
      running.count = r.running.count;
      running.acceptance.set(r.running.acceptance);
      running.divergences.set(r.running.divergences);
      running.treeDepth.set(r.running.treeDepth);
      buffers.fromJson(r.draws, r.stats);
      if (r.params) fixed = paramsFromHost(r.params);
      if (phase !== 'done') {
        const position = tf.tensor(Float32Array.from(r.positions, numberFromJson), [c, d], 'float32');
        state = kernel.init(position, fn);
        position.dispose();
      }
      if (phase === 'warmup' && adaptation) adState = deserializeTree(r.adaptation);
    } else {
      const [positionKey, stepKey] = split(initKey) as [PRNGKey, PRNGKey];
      const position = await g.target.initialPosition(positionKey, c, g.chains[0]!, o.initStrategy);
      if (position.rank !== 2 || position.shape[0] !== c || position.shape[1] !== d) {
        const shape = position.shape.join(', ');
        position.dispose();
        throw new RangeError(`sample: initial position must be [${c}, ${d}], got [${shape}]`);
      }
      state = kernel.init(position, fn);
      position.dispose();
      gradientEvaluations += c;
      const imm = initialInverseMassMatrix(o, d);
      let stepSize = givenStepSize(o, g.chains);
      if (stepSize === undefined) {
        const metric = metricForChains(imm, c, d);
        try {
          stepSize = await findReasonableStepSize(stepKey, state, fn, metric);
        } finally {
          metric.dispose();
        }
      }
      if (adaptation) {
        adState = await adaptation.init(state.position, stepSize);
        imm.dispose();
      } else {
        fixed = { stepSize, inverseMassMatrix: imm };
      }
      phase = o.numWarmup > 0 ? 'warmup' : 'sampling';
      iteration = 0;
      if (phase === 'sampling' && adaptation) throw new RangeError('sample: options.numWarmup must be positive with adaptation');
    }
    elapsed.warmupMs += performance.now() - started;

    const every = (total: number) => o.progressEvery ?? Math.min(100, Math.max(1, Math.ceil(total / 10)));
    let sessionStart = performance.now();
    let sessionStartIteration = iteration;
    const report = (total: number, info: KernelInfo) => {
      if (!g.progress) return;
      const done = iteration;
      if (done % every(total) !== 0 && done !== total) return;
      const seconds = (performance.now() - sessionStart) / 1000;
      const rate = seconds > 0 ? (done - sessionStartIteration) / seconds : 0;
      for (let i = 0; i < c; i++) {
        g.progress({
          chain: g.chains[i]!,
          phase: phase === 'done' ? 'sampling' : phase,
          iteration: done,
          total,
          stepSize: stepSizeOf(lastStepSize, i),
          acceptanceRate: running.acceptance[i]! / Math.max(1, running.count),
          divergences: running.divergences[i]!,
          treeDepth: info.treeDepth ? running.treeDepth[i]! / Math.max(1, running.count) : 0,
          drawsPerSecond: rate,
        });
      }
    };
    const account = (info: KernelInfo) => {
      running.count++;
      for (let i = 0; i < c; i++) {
        running.acceptance[i] = running.acceptance[i]! + info.acceptanceRate[i]!;
        running.divergences[i] = running.divergences[i]! + info.isDivergent[i]!;
        running.treeDepth[i] = running.treeDepth[i]! + (info.treeDepth?.[i] ?? 0);
        gradientEvaluations += info.numIntegrationSteps[i]!;
      }
    };
    const maybeSnapshot = async () => {
      if (!g.onSnapshot || o.checkpointEvery === undefined) return;
      const done = phase === 'warmup' ? iteration : o.numWarmup + (phase === 'sampling' ? iteration : o.numSamples);
      if (done % o.checkpointEvery === 0) await g.onSnapshot(await snapshot());
    };
    const newPhase = (next: 'sampling' | 'done') => {
      phase = next;
      iteration = 0;
      running.count = 0;
      running.acceptance.fill(0);
      running.divergences.fill(0);
      running.treeDepth.fill(0);
      sessionStart = performance.now();
      sessionStartIteration = 0;
    };

    while (phase === 'warmup') {
      await yieldNow();
      if (g.signal?.aborted) throw new GroupAborted(await snapshot());
      const t0 = performance.now();
      const [stepKey, restartKey] = split(foldIn(warmupKey, iteration)) as [PRNGKey, PRNGKey];
      const params = adaptation ? adaptation.params(adState) : fixed!;
      let info: KernelInfo;
      try {
        const [next, stepInfo] = await stepWith(kernelFor(params), stepKey, state!, fn, params, c, d);
        info = stepInfo;
        disposeState(state!, next);
        state = next;
        lastStepSize = params.stepSize;
        if (adaptation) {
          const updated = await adaptation.update(adState, info, state.position).finally(() => disposeReplaced((info as { proposal?: unknown }).proposal, undefined));
          disposeReplaced(adState, updated);
          adState = updated;
          const metricUpdated = (adState as { metricUpdated?: boolean }).metricUpdated === true;
          if (metricUpdated && adaptation.restartStepSize && iteration + 1 < o.numWarmup) {
            // Stan: after each metric update, search a step size afresh and restart dual averaging there.
            const now = adaptation.params(adState);
            const metric = metricOf(now, c, d);
            try {
              const eps = await findReasonableStepSize(restartKey, state, fn, metric, { initialStepSize: now.stepSize });
              const restarted = adaptation.restartStepSize(adState, eps);
              disposeReplaced(adState, restarted);
              adState = restarted;
            } finally {
              metric.dispose();
              disposeReplaced(now, adState);
            }
          }
        }
      } finally {
        if (adaptation) disposeReplaced(params, adState);
      }
      account(info);
      iteration++;
      elapsed.warmupMs += performance.now() - t0;
      report(o.numWarmup, info);
      if (iteration === o.numWarmup) {
        if (adaptation) {
          fixed = adaptation.final(adState);
          disposeReplaced(adState, fixed);
          adState = undefined;
        }
        newPhase('sampling');
      }
      await maybeSnapshot();
    }

    while (phase === 'sampling') {
      await yieldNow();
      if (g.signal?.aborted) throw new GroupAborted(await snapshot());
      const t0 = performance.now();
      const fixedParams = samplingParams(fixed!, o.numWarmup, iteration);
      const multi = kernelFor(fixedParams).steps;
      if (multi !== undefined && fixedParams === fixed) {
        // Fixed parameters: a kernel that can run several transitions at once (NUTS on the host,
        // chains not waiting for each other) runs up to the next progress report or checkpoint.
        const done = o.numWarmup + iteration;
        // Without a progress callback nothing needs the report boundaries: each chunk ends when its
        // slowest chain is done, so fewer chunks leave fewer rounds with few chains in them.
        const untilReport = g.progress ? every(o.numSamples) - (iteration % every(o.numSamples)) : Infinity;
        const untilCheckpoint = g.onSnapshot && o.checkpointEvery !== undefined ? o.checkpointEvery - (done % o.checkpointEvery) : Infinity;
        const count = Math.min(o.numSamples - iteration, untilReport, untilCheckpoint);
        const first = iteration;
        const q = forKernel(fixed!, c, d);
        let out;
        try {
          out = await multi.call(kernelFor(fixedParams), (t) => foldIn(samplingKey, first + t), state!, fn, q, count, {
            signal: g.signal,
            pause: yieldNow,
            keep: (t) => (first + t + 1) % o.thinning === 0,
          });
        } finally {
          if (q.inverseMassMatrix !== fixed!.inverseMassMatrix) q.inverseMassMatrix.dispose();
        }
        if (out === undefined) throw new GroupAborted(await snapshot());
        disposeState(state!, out.state);
        state = out.state;
        lastStepSize = fixed!.stepSize;
        const perIteration = (performance.now() - t0) / count;
        for (let t = 0; t < count; t++) {
          const info = out.infos[t]!;
          const row = out.draws[t];
          if (row !== undefined && buffers.filled < numKept) buffers.push(row, info, fixed!.stepSize);
          account(info);
          iteration++;
          elapsed.samplingMs += perIteration;
          report(o.numSamples, info);
          if (iteration === o.numSamples) newPhase('done');
          await maybeSnapshot();
        }
        continue;
      }
      const params = samplingParams(fixed!, o.numWarmup, iteration);
      const [next, info] = await stepWith(kernelFor(params), foldIn(samplingKey, iteration), state!, fn, params, c, d);
      disposeReplaced((info as { proposal?: unknown }).proposal, undefined);
      disposeState(state!, next);
      state = next;
      lastStepSize = fixed!.stepSize;
      if ((iteration + 1) % o.thinning === 0 && buffers.filled < numKept) {
        // One readback of [C, D + 1] per kept draw: positions and their log densities.
        const both = tf.tidy(() => tf.concat([state!.position, tf.reshape(state!.logDensity, [c, 1])], 1));
        const host = await both.data();
        both.dispose();
        buffers.push(host, info, fixed!.stepSize);
      }
      account(info);
      iteration++;
      elapsed.samplingMs += performance.now() - t0;
      report(o.numSamples, info);
      if (iteration === o.numSamples) newPhase('done');
      await maybeSnapshot();
    }
    const checkpoint = await snapshot();
    return { draws: buffers.draws, stats: buffers.sampleStats(), gradientEvaluations, elapsed: { ...elapsed }, checkpoint };
  } finally {
    if (state) disposeState(state, undefined);
    if (fixed) fixed.inverseMassMatrix.dispose();
    if (adState !== undefined) disposeReplaced(adState, undefined);
    traced?.dispose();
  }
}
