import type * as tf from '@tensorflow/tfjs-core';
import type { InitStrategy, LogDensityModel, Model } from '@probdl/model';
import type { HmcParams, Kernel, LogDensityFn, StepSize } from '../types.js';

/** A @probdl/model model and its arguments: draws are reported in constrained space by site name. */
export interface ModelTarget {
  readonly model: Model<never[]> | ((...a: never[]) => unknown);
  readonly args: readonly unknown[];
}

/** A bare log density over `[C, D]` with the starting positions of the C chains. */
export interface LogDensityTarget {
  readonly logDensityFn: LogDensityFn;
  /** `[C, D]` (or `[D]`, used for every chain). The caller keeps ownership. */
  readonly initialPosition: tf.Tensor;
  /**
   * Whether row c of `logDensityFn`'s result depends on row c of the positions alone (the same
   * density for every chain). When true, NUTS evaluates only the chains still building their
   * trees at each integrator step instead of the whole batch. Default false: a bare log density
   * may give its chains different data. Model targets are always row-independent.
   */
  readonly independentRows?: boolean;
  /** Frees what the target holds; called after the run when a module's factory made the target. */
  readonly dispose?: () => void;
}

/**
 * A target loaded from a module, the only form that `chainMethod: 'workers'` accepts (functions
 * cannot be sent to a worker). The module is imported (in the main thread and in every worker) and
 * `exportName` read from it:
 * - `kind: 'factory'` (default): the export is a function `(...args) => target` (or a promise of
 *   one) returning a {@link ModelTarget}, a {@link LogDensityTarget} or a `LogDensityModel`;
 * - `kind: 'model'`: the export is a @probdl/model model, run with `args` as its arguments.
 *
 * What a factory returns belongs to the run: after it, the target's `dispose()` is called (a
 * `LogDensityModel`'s, or a log density target's own), a log density target's `initialPosition` and
 * the tensors in a model target's `args` are disposed. Make them fresh in the factory.
 *
 * `args` must survive structured cloning (JSON-like values). Under Node the module may be
 * TypeScript only when the package itself runs from its TypeScript sources with tsx installed
 * (as in its tests); a published build needs a JavaScript module.
 *
 * `module` may also be the module's exports themselves (`import * as targets from './targets.js'`)
 * when `createWorker` starts workers that call `serveSampling` with the same exports (the way to
 * run workers from a browser bundle).
 */
export interface ModuleTarget {
  readonly module: string | URL | Readonly<Record<string, unknown>>;
  readonly exportName: string;
  readonly args?: readonly unknown[];
  readonly kind?: 'factory' | 'model';
}

/**
 * What `createWorker` returns: a web `Worker` or a Node `worker_threads` Worker (messages are
 * listened to with `addEventListener` or `on`, whichever it has).
 */
export interface SamplingWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** What `sample` runs: a model with its arguments, a log density with starting points, a `LogDensityModel`, or a module. */
export type SampleTarget = ModelTarget | LogDensityTarget | LogDensityModel | ModuleTarget;

/** The built-in kernels by name. */
export type KernelName = 'nuts' | 'hmc' | 'mala' | 'rwm';

/** Progress of one chain, reported every `progressEvery` iterations and at the end of each phase. */
export interface Progress {
  /** The chain (0-based). */
  readonly chain: number;
  readonly phase: 'warmup' | 'sampling';
  /** Iterations of this phase done (1-based). */
  readonly iteration: number;
  /** Iterations of this phase in all. */
  readonly total: number;
  /** The step size used by the last iteration. */
  readonly stepSize: number;
  /** Running mean of the acceptance rate over this phase. */
  readonly acceptanceRate: number;
  /** Divergent transitions in this phase so far. */
  readonly divergences: number;
  /** Mean tree depth over this phase (NUTS; 0 for other kernels). */
  readonly treeDepth: number;
  /** Iterations per second of this phase (since it started or the run resumed). */
  readonly drawsPerSecond: number;
}

/** Kernel parameters on the host (checkpoints). */
export interface HostParams {
  readonly stepSize: number | number[];
  readonly inverseMassMatrix: { readonly shape: number[]; readonly values: number[] };
  readonly metric?: 'diagonal' | 'dense';
  readonly numIntegrationSteps?: number;
  readonly maxIntegrationSteps?: number;
}

/** A JSON-serialisable snapshot of one group of chains that run in lockstep. */
export interface GroupCheckpoint {
  /** The chains this group runs (global indices). */
  readonly chains: number[];
  /** The group's key words (`keyData`) and layout. */
  readonly key: { readonly data: number[]; readonly partitionable: boolean };
  readonly phase: 'warmup' | 'sampling' | 'done';
  /** The next iteration of the phase to run. */
  readonly iteration: number;
  /** Positions `[C, D]` row-major (float32 values). */
  readonly positions: number[];
  /** The adaptation state during warmup (serialised tree), null in sampling. */
  readonly adaptation: unknown;
  /** The step size and inverse mass matrix in use (sampling, or adaptation 'none'). */
  readonly params: HostParams | null;
  /** Running sums of this phase per chain, for progress reports. */
  readonly running: { readonly count: number; readonly acceptance: number[]; readonly divergences: number[]; readonly treeDepth: number[] };
  /** Kept draws so far: `[kept, D]` row-major per chain (`draws[c]`; non-finite values as strings). */
  readonly draws: number[][];
  /** Sampling statistics so far, per statistic and chain. */
  readonly stats: Record<string, number[][]>;
  /** Gradient evaluations so far (all chains). */
  readonly gradientEvaluations: number;
  readonly elapsed: { readonly warmupMs: number; readonly samplingMs: number };
}

/** A JSON-serialisable snapshot of a run: pass it as `resumeFrom` to continue. */
export interface Checkpoint {
  readonly version: 1;
  /** The settings of the run (serialisable options; functions and a kernel object are not kept). */
  readonly options: SerializableOptions;
  /** The run's key words. */
  readonly key: { readonly data: number[]; readonly partitionable: boolean };
  /** One entry per group: one for lockstep, one per chain otherwise (null: not started). */
  readonly groups: (GroupCheckpoint | null)[];
}

/** The options that a checkpoint keeps. */
export interface SerializableOptions {
  readonly numWarmup: number;
  readonly numSamples: number;
  readonly numChains: number;
  readonly thinning: number;
  readonly kernel: KernelName | 'custom';
  readonly maxTreeDepth: number;
  readonly numIntegrationSteps: number;
  readonly targetAcceptance: number;
  readonly adaptation: 'window' | 'chees' | 'none';
  readonly metric: 'diagonal' | 'dense';
  readonly stepSize: number | number[] | null;
  readonly inverseMassMatrix: { shape: number[]; values: number[] } | null;
  readonly init: string | null;
  readonly chainMethod: 'lockstep' | 'sequential' | 'workers';
  /** Worker threads asked for (null: the default for the chain method). */
  readonly numWorkers: number | null;
}

/** Options of {@link sample}. */
export interface SampleOptions {
  /** Warmup (adaptation) iterations per chain, default 1000. */
  readonly numWarmup?: number;
  /** Sampling iterations per chain, default 1000; `floor(numSamples / thinning)` are kept. */
  readonly numSamples?: number;
  /** Chains, default 4 (model targets; a log density target takes C from its initial position). */
  readonly numChains?: number;
  /** Keep every `thinning`-th sampling iteration (the last of each block), default 1. */
  readonly thinning?: number;
  /** A kernel by name (default 'nuts'; 'hmc' with adaptation 'chees') or a kernel object taking {@link HmcParams}. */
  readonly kernel?: KernelName | Kernel<HmcParams>;
  /** NUTS: maximum tree depth, default 10. */
  readonly maxTreeDepth?: number;
  /** HMC: leapfrog steps per iteration, default 10. */
  readonly numIntegrationSteps?: number;
  /** Target acceptance rate of the step-size adaptation, default 0.8 (0.651 with ChEES, of the harmonic mean over chains). */
  readonly targetAcceptance?: number;
  /**
   * Warmup scheme: Stan's windows (default), ChEES (jittered HMC: step size, trajectory length
   * and a diagonal metric shared by the chains, for many chains in lockstep), or none (fixed
   * `stepSize` / `inverseMassMatrix`).
   */
  readonly adaptation?: 'window' | 'chees' | 'none';
  /** Mass matrix adapted by the window scheme: 'diagonal' (default) or 'dense'. */
  readonly metric?: 'diagonal' | 'dense';
  /** Initial (or, with adaptation 'none', fixed) step size; by default one found by `findReasonableStepSize`. */
  readonly stepSize?: StepSize | number[];
  /**
   * Inverse mass matrix `[D]` or `[D, D]` (default the identity): fixed with adaptation 'none';
   * with adaptation it only serves the initial step-size search (the schemes start from the identity).
   */
  readonly inverseMassMatrix?: Float64Array | number[] | number[][] | tf.Tensor;
  /** How model targets choose starting points (default `initToUniform()`). */
  readonly init?: InitStrategy;
  /** 'lockstep' (default: all chains as one batch), 'sequential' (one chain after another) or 'workers'. */
  readonly chainMethod?: 'lockstep' | 'sequential' | 'workers';
  /**
   * Worker threads (Node `worker_threads`, or Web Workers). With 'lockstep' (default 1: the calling
   * thread), numWorkers > 1 splits the chains into that many lockstep blocks of consecutive chains,
   * each in a worker of its own with the key `foldIn(key, block)`: a multi-core CPU then runs
   * several batches at once. The draws depend on numWorkers (not on the machine). With 'workers',
   * at most numWorkers chains run at once (default: all); the draws do not depend on it. Both need
   * a module target.
   */
  readonly numWorkers?: number;
  /**
   * Starts a sampling worker of your own: a script that calls `serveSampling(targets)` (see
   * there). Needed in a browser bundle, where the bundler must build the worker with the target's
   * code; the target is then `{ module: targets, exportName, args }` with the same exports. A web
   * `Worker` or a Node `worker_threads` Worker.
   */
  readonly createWorker?: () => SamplingWorker;
  /** Called per chain every `progressEvery` iterations and at the end of each phase. */
  readonly progress?: (p: Progress) => void;
  /** Iterations between progress reports; default `min(100, ceil(10% of the phase))`. */
  readonly progressEvery?: number;
  /** Cancels the run at the next iteration: it rejects with a {@link SampleAbortError} holding a checkpoint. */
  readonly signal?: AbortSignal;
  /** Iterations between `onCheckpoint` calls (counted over warmup and sampling together). */
  readonly checkpointEvery?: number;
  /** Receives a checkpoint every `checkpointEvery` iterations (awaited). */
  readonly onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /** Continue the run this checkpoint came from (same key and settings). */
  readonly resumeFrom?: Checkpoint;
  /**
   * Lockstep NUTS on the cpu and wasm backends: record the kernels of the log density and its
   * gradient once per batch size and replay them without tfjs's engine (`traceKernels` of
   * @probdl/tensor-backend); the values are the same, the small batches of many chains about
   * twice as fast. Default true. Set false for a log density that is not a pure function of its
   * input (one that reads a counter or other state that changes between calls).
   */
  readonly traceGradient?: boolean;
}
