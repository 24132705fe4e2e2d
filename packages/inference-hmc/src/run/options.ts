import * as tf from '@tensorflow/tfjs-core';
import type { HmcParams, Kernel } from '../types.js';
import type { Checkpoint, KernelName, SampleOptions, SerializableOptions } from './types.js';

const KERNELS: readonly KernelName[] = ['nuts', 'hmc', 'mala', 'rwm'];
const ADAPTATIONS = ['window', 'chees', 'none'] as const;
const METRICS = ['diagonal', 'dense'] as const;
const CHAIN_METHODS = ['lockstep', 'sequential', 'workers'] as const;

/** Options after defaults and checks. */
export interface ResolvedOptions extends SerializableOptions {
  readonly kernelObject: Kernel<HmcParams> | undefined;
  readonly progress: SampleOptions['progress'];
  readonly progressEvery: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly checkpointEvery: number | undefined;
  readonly onCheckpoint: SampleOptions['onCheckpoint'];
  readonly traceGradient: boolean;
  readonly createWorker: SampleOptions['createWorker'];
  readonly initStrategy: SampleOptions['init'];
}

function describe(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x);
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return Object.prototype.toString.call(x);
  return `${typeof x} ${String(x)}`;
}

function integer(name: string, x: unknown, min: number, fallback: number): number {
  if (x === undefined) return fallback;
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min) {
    throw new RangeError(`sample: options.${name} must be an integer >= ${min}, got ${describe(x)}`);
  }
  return x;
}

function oneOf<T extends string>(name: string, x: unknown, allowed: readonly T[], fallback: T): T {
  if (x === undefined) return fallback;
  if (typeof x !== 'string' || !(allowed as readonly string[]).includes(x)) {
    throw new RangeError(`sample: options.${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(x)}`);
  }
  return x as T;
}

function boolean(name: string, x: unknown, fallback: boolean): boolean {
  if (x === undefined) return fallback;
  if (typeof x !== 'boolean') throw new TypeError(`sample: options.${name} must be a boolean, got ${describe(x)}`);
  return x;
}

function isKernel(x: unknown): x is Kernel<HmcParams> {
  return typeof x === 'object' && x !== null && typeof (x as Kernel<HmcParams>).init === 'function' && typeof (x as Kernel<HmcParams>).step === 'function';
}

function positiveFinite(name: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) throw new RangeError(`sample: options.${name} must be a positive finite number, got ${describe(x)}`);
  return x;
}

async function hostMatrix(x: SampleOptions['inverseMassMatrix']): Promise<{ shape: number[]; values: number[] } | null> {
  if (x === undefined) return null;
  const bad = () => new TypeError(`sample: options.inverseMassMatrix must be [D] or [D, D] numbers (array, Float64Array or tensor), got ${describe(x)}`);
  let shape: number[];
  let values: number[];
  if (x instanceof tf.Tensor) {
    shape = x.shape.slice();
    values = Array.from(await x.data());
  } else if (x instanceof Float64Array) {
    shape = [x.length];
    values = Array.from(x);
  } else if (Array.isArray(x)) {
    if (x.every((v) => typeof v === 'number')) {
      shape = [x.length];
      values = (x as number[]).slice();
    } else if (x.every((r) => Array.isArray(r) && r.length === x.length && r.every((v) => typeof v === 'number'))) {
      shape = [x.length, x.length];
      values = (x as number[][]).flat();
    } else {
      throw bad();
    }
  } else {
    throw bad();
  }
  if (shape.length !== 1 && !(shape.length === 2 && shape[0] === shape[1])) throw bad();
  if (!values.every((v) => Number.isFinite(v))) throw new RangeError('sample: options.inverseMassMatrix must be finite');
  if (shape.length === 1 && !values.every((v) => v > 0)) throw new RangeError('sample: options.inverseMassMatrix (diagonal) must be positive');
  return { shape, values };
}

function stepSizeOption(x: SampleOptions['stepSize']): number | number[] | null {
  if (x === undefined) return null;
  if (typeof x === 'number') return positiveFinite('stepSize', x);
  if (x instanceof Float64Array || Array.isArray(x)) {
    const arr = Array.from(x as ArrayLike<number>);
    arr.forEach((v, i) => positiveFinite(`stepSize[${i}]`, v));
    return arr;
  }
  throw new TypeError(`sample: options.stepSize must be a positive number or one per chain, got ${describe(x)}`);
}

const KNOWN = new Set([
  'numWarmup',
  'numSamples',
  'numChains',
  'thinning',
  'kernel',
  'maxTreeDepth',
  'numIntegrationSteps',
  'targetAcceptance',
  'adaptation',
  'metric',
  'stepSize',
  'inverseMassMatrix',
  'init',
  'chainMethod',
  'progress',
  'progressEvery',
  'signal',
  'checkpointEvery',
  'onCheckpoint',
  'resumeFrom',
  'traceGradient',
  'numWorkers',
  'createWorker',
]);

/** Checks `options` and fills in the defaults; every error names the option. */
export async function resolveOptions(options: SampleOptions | undefined): Promise<ResolvedOptions> {
  const o = (options ?? {}) as SampleOptions & Record<string, unknown>;
  if (typeof o !== 'object' || o === null) throw new TypeError(`sample: options must be an object, got ${describe(options)}`);
  for (const k of Object.keys(o)) {
    if (!KNOWN.has(k)) throw new TypeError(`sample: unknown option '${k}'`);
  }
  const adaptation = oneOf('adaptation', o.adaptation, ADAPTATIONS, 'window');
  let kernel: KernelName | 'custom';
  let kernelObject: Kernel<HmcParams> | undefined;
  if (isKernel(o.kernel)) {
    kernel = 'custom';
    kernelObject = o.kernel;
  } else {
    kernel = oneOf('kernel', o.kernel, KERNELS, adaptation === 'chees' ? 'hmc' : 'nuts');
  }
  if (adaptation === 'chees' && kernel !== 'hmc' && kernel !== 'custom') {
    throw new RangeError(`sample: options.kernel must be 'hmc' (or a kernel object) with options.adaptation 'chees', got '${kernel}'`);
  }
  const targetAcceptance = o.targetAcceptance === undefined ? (adaptation === 'chees' ? 0.651 : 0.8) : o.targetAcceptance;
  if (typeof targetAcceptance !== 'number' || !(targetAcceptance > 0 && targetAcceptance < 1)) {
    throw new RangeError(`sample: options.targetAcceptance must be a number in (0, 1), got ${describe(o.targetAcceptance)}`);
  }
  for (const f of ['progress', 'onCheckpoint', 'createWorker'] as const) {
    if (o[f] !== undefined && typeof o[f] !== 'function') throw new TypeError(`sample: options.${f} must be a function, got ${describe(o[f])}`);
  }
  if (o.signal !== undefined && (typeof o.signal !== 'object' || o.signal === null || typeof (o.signal as AbortSignal).aborted !== 'boolean')) {
    throw new TypeError(`sample: options.signal must be an AbortSignal, got ${describe(o.signal)}`);
  }
  if (o.init !== undefined && (typeof o.init !== 'object' || o.init === null || typeof o.init.init !== 'function')) {
    throw new TypeError(`sample: options.init must be an InitStrategy (initToUniform(), ...), got ${describe(o.init)}`);
  }
  const resolved: ResolvedOptions = {
    numWarmup: integer('numWarmup', o.numWarmup, adaptation === 'none' ? 0 : 1, 1000),
    numSamples: integer('numSamples', o.numSamples, 1, 1000),
    numChains: integer('numChains', o.numChains, 1, 4),
    thinning: integer('thinning', o.thinning, 1, 1),
    kernel,
    kernelObject,
    maxTreeDepth: integer('maxTreeDepth', o.maxTreeDepth, 1, 10),
    numIntegrationSteps: integer('numIntegrationSteps', o.numIntegrationSteps, 1, 10),
    targetAcceptance,
    adaptation,
    metric: oneOf('metric', o.metric, METRICS, 'diagonal'),
    stepSize: stepSizeOption(o.stepSize),
    inverseMassMatrix: await hostMatrix(o.inverseMassMatrix),
    init: o.init?.name ?? null,
    initStrategy: o.init,
    chainMethod: oneOf('chainMethod', o.chainMethod, CHAIN_METHODS, 'lockstep'),
    numWorkers: o.numWorkers === undefined ? null : integer('numWorkers', o.numWorkers, 1, 1),
    progress: o.progress,
    progressEvery: o.progressEvery === undefined ? undefined : integer('progressEvery', o.progressEvery, 1, 1),
    signal: o.signal,
    checkpointEvery: o.checkpointEvery === undefined ? undefined : integer('checkpointEvery', o.checkpointEvery, 1, 1),
    onCheckpoint: o.onCheckpoint,
    traceGradient: boolean('traceGradient', o.traceGradient, true),
    createWorker: o.createWorker,
  };
  if (resolved.thinning > resolved.numSamples) {
    throw new RangeError(`sample: options.thinning (${resolved.thinning}) must not exceed options.numSamples (${resolved.numSamples})`);
  }
  if (resolved.checkpointEvery !== undefined && resolved.onCheckpoint === undefined) {
    throw new TypeError('sample: options.checkpointEvery needs options.onCheckpoint');
  }
  return resolved;
}

/** The serialisable part of resolved options (what a checkpoint keeps). */
export function serializableOptions(o: ResolvedOptions): SerializableOptions {
  return {
    numWarmup: o.numWarmup,
    numSamples: o.numSamples,
    numChains: o.numChains,
    thinning: o.thinning,
    kernel: o.kernel,
    maxTreeDepth: o.maxTreeDepth,
    numIntegrationSteps: o.numIntegrationSteps,
    targetAcceptance: o.targetAcceptance,
    adaptation: o.adaptation,
    metric: o.metric,
    stepSize: o.stepSize,
    inverseMassMatrix: o.inverseMassMatrix,
    init: o.init,
    chainMethod: o.chainMethod,
    numWorkers: o.numWorkers,
  };
}

/**
 * Options for a resumed run: the checkpoint's settings, checked against any the caller gave again
 * (an error names the first that differs).
 */
export function mergeResume(given: SampleOptions, resolved: ResolvedOptions, checkpoint: Checkpoint): ResolvedOptions {
  if (typeof checkpoint !== 'object' || checkpoint === null || checkpoint.version !== 1 || !Array.isArray(checkpoint.groups)) {
    throw new TypeError('sample: options.resumeFrom must be a checkpoint made by sample (version 1)');
  }
  const saved = checkpoint.options;
  const mine = serializableOptions(resolved);
  for (const k of Object.keys(saved) as (keyof SerializableOptions)[]) {
    if (k === 'kernel') {
      if (saved.kernel === 'custom' && resolved.kernelObject === undefined) {
        throw new TypeError('sample: options.kernel: the checkpoint ran a kernel object; pass the same kernel again to resume');
      }
      if (saved.kernel !== 'custom' && given.kernel !== undefined && mine.kernel !== saved.kernel) {
        throw new RangeError(`sample: options.kernel is '${String(mine.kernel)}' but the checkpoint ran '${saved.kernel}'`);
      }
      continue;
    }
    if (k === 'init') continue;
    // Sequential and worker runs share their per-chain groups: either resumes the other.
    if (k === 'chainMethod' && saved.chainMethod !== 'lockstep' && mine.chainMethod !== 'lockstep') continue;
    // Outside lockstep, numWorkers only caps how many chains run at once: the draws do not change.
    if (k === 'numWorkers' && saved.chainMethod !== 'lockstep') continue;
    if ((given as Record<string, unknown>)[k] === undefined) continue;
    if (JSON.stringify(mine[k]) !== JSON.stringify(saved[k])) {
      throw new RangeError(`sample: options.${k} is ${JSON.stringify(mine[k])} but the checkpoint ran with ${JSON.stringify(saved[k])}`);
    }
  }
  const chainMethod = given.chainMethod !== undefined && saved.chainMethod !== 'lockstep' ? mine.chainMethod : saved.chainMethod;
  // Checkpoints from before numWorkers existed ran one lockstep group.
  const numWorkers = saved.chainMethod !== 'lockstep' && given.numWorkers !== undefined ? mine.numWorkers : (saved.numWorkers ?? null);
  return { ...resolved, ...saved, chainMethod, numWorkers, kernel: saved.kernel, kernelObject: resolved.kernelObject };
}
