/** The tfjs backends a case can run on; each runs in its own process. */
export type BackendName = 'cpu' | 'wasm' | 'webgpu';

/** How long a case is warmed up and measured. All times in milliseconds of wall-clock time. */
export interface TimingOptions {
  /** Runs before measuring, at least (default 3; --quick 1). */
  warmupRuns: number;
  /** Warm-up lasts at least this long (default 500; --quick 0). */
  warmupMs: number;
  /** Measured runs, at least (default 10; --quick 3). */
  minRuns: number;
  /** Measuring lasts at least this long (default 2000; --quick 0). */
  minTimeMs: number;
  /** Measured runs, at most (default 10000; --quick 3). */
  maxRuns: number;
  /** Measuring (and, separately, warm-up) stops after this long even below minRuns (default 30000; --quick 10000). */
  maxTimeMs: number;
}

/** What a case's hooks receive. */
export interface BenchContext<S = unknown> {
  /** The backend of this process. */
  readonly backend: BackendName;
  /** The WebGPU adapter, on the webgpu backend. */
  readonly adapter?: { vendor: string; architecture: string; device: string; description: string; featureLevel: string };
  /** True under --quick (smoke tests): cases may shrink what they build. */
  readonly quick: boolean;
  /** What `setup` returned (undefined before it ran, or without one). */
  state: S;
}

/** A PyTorch counterpart of a case, run as `python3 SCRIPT --key value ... --threads N <timing flags>`. */
export interface PytorchCounterpart {
  /**
   * A script shipped by the harness (a bare file name, looked up in tooling/bench/python/, e.g.
   * 'mlp_step.py') or a path relative to the bench file. It prints one JSON line (see README).
   */
  script: string;
  /** Passed as `--key value`. */
  args?: Record<string, string | number | boolean>;
}

/** One benchmark case. One run of `run` is one timed sample. */
export interface BenchCase<S = any> {
  /** Unique within the file; the case id is `<package>/<file>/<name>` (the --filter regex sees it). */
  name: string;
  /** What one item is, for the report ('op', 'step'); default 'run'. */
  unit?: string;
  /** Items in one run (e.g. 1000 ops chained before one readback); times are reported per item. Default 1. */
  itemsPerRun?: number;
  /**
   * How the timed run includes the device's work, e.g. 'await loss.data() every step'. A run must
   * end with an awaited readback (or other wait on the device), or WebGPU times only the queueing.
   */
  sync?: string;
  /** Shapes and settings, copied to the JSON. */
  params?: Record<string, string | number | boolean>;
  /** Backends to run on; default all that were asked for. */
  backends?: BackendName[];
  /** Overrides of the default timing (not applied under --quick). */
  timing?: Partial<TimingOptions>;
  /** Same computation in PyTorch, timed where `import torch` works; the report gives probdl/PyTorch. */
  pytorch?: PytorchCounterpart;
  /** Builds the inputs; not timed. Its result is `ctx.state`. */
  setup?(ctx: BenchContext<undefined>): S | Promise<S>;
  /** One timed run. */
  run(ctx: BenchContext<S>): unknown;
  /** Frees what setup made (tensors!); not timed. Tensors still alive after it are reported as leaked. */
  teardown?(ctx: BenchContext<S>): unknown;
}

/** The default export of a `bench/*.bench.ts` file. */
export interface BenchSuite {
  /** The package under test, e.g. '@probdl/tensor-backend'. */
  package: string;
  /** One line on what the file measures. */
  description?: string;
  cases: BenchCase<any>[];
}

/** Declares a benchmark file's suite (checks its shape and returns it). */
export function defineBenchmarks(suite: BenchSuite): BenchSuite;

/** Declares one case, typing `ctx.state` in `run`/`teardown` as what `setup` returns. */
export function defineCase<S>(c: BenchCase<S>): BenchCase<S>;
