/**
 * The body of a sampling worker: it starts the backend the main thread uses, resolves the target,
 * runs its group of chains with the same code as the calling thread would and posts progress,
 * snapshots and the result back. Used by the package's own worker script (which imports the
 * target's module by URL) and by {@link serveSampling} in a worker script of your own.
 */
import { currentBackend, initBackend, keyFromData, type BackendName } from '@probdl/tensor-backend';
import { GroupAborted, runGroup } from './group-runner.js';
import type { ResolvedOptions } from './options.js';
import { resolveTarget } from './target.js';
import type { ModuleTarget } from './types.js';
import type { WorkerJob, WorkerMessage } from './workers.js';

/** Where a worker posts its messages. */
export interface Port {
  postMessage(m: WorkerMessage, transfer?: Transferable[]): void;
}

/** How a worker finds its target's module and starts its backend. */
export interface JobEnvironment {
  /** The module that `job.target` names (its exports by name). */
  readonly module: (job: WorkerJob) => ModuleTarget['module'];
  readonly initBackend: (name: BackendName) => Promise<unknown>;
  /** Set once the main thread asks this worker to stop (where there is no shared flag). */
  readonly abortRequested: () => boolean;
}

/** Runs one job and posts its outcome; never throws. */
export async function runJob(job: WorkerJob, port: Port, env: JobEnvironment): Promise<void> {
  const flag = job.abortFlag ? new Int32Array(job.abortFlag) : null;
  try {
    if (currentBackend() !== job.backend) await env.initBackend(job.backend as BackendName);
    const target = await resolveTarget({ ...job.target, module: env.module(job) });
    try {
      const { hasProgress, hasSnapshot, ...plain } = job.options;
      const options: ResolvedOptions = {
        ...plain,
        kernelObject: undefined,
        progress: undefined,
        signal: undefined,
        onCheckpoint: undefined,
        initStrategy: undefined,
        createWorker: undefined,
      };
      const signal = {
        get aborted() {
          return env.abortRequested() || (flag !== null && Atomics.load(flag, 0) === 1);
        },
      } as AbortSignal;
      const result = await runGroup({
        options,
        target,
        chains: job.chains,
        key: keyFromData(job.key.data, { partitionable: job.key.partitionable }),
        resume: job.resume,
        signal,
        progress: hasProgress ? (progress) => port.postMessage({ type: 'progress', progress }) : undefined,
        onSnapshot: hasSnapshot ? (checkpoint) => Promise.resolve(port.postMessage({ type: 'snapshot', checkpoint })) : undefined,
      });
      port.postMessage({ type: 'done', result });
    } finally {
      target.dispose();
    }
  } catch (e) {
    if (e instanceof GroupAborted) port.postMessage({ type: 'aborted', checkpoint: e.checkpoint });
    else {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ type: 'error', name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) });
    }
  }
}

/** Options of {@link serveSampling}. */
export interface ServeSamplingOptions {
  /**
   * Starts the backend the main thread runs (its name is given), before the first job. Default
   * `initBackend({ prefer: [name] })`; a browser bundle passes its wasm paths here
   * (`initBackend({ prefer: [name], wasm: { paths } })`). Skipped where that backend already runs.
   */
  readonly initBackend?: (name: BackendName) => Promise<unknown>;
}

type MessageSource =
  | { addEventListener(type: 'message', f: (e: MessageEvent) => void): void }
  | { on(type: 'message', f: (m: unknown) => void): void };

/**
 * Turns the calling worker into a sampling worker for `sample`'s `createWorker` option: a worker
 * script of your own imports its targets and calls this, so a bundler (Vite, webpack) builds the
 * worker with every dependency and the targets' code, which a worker started by the package itself
 * (it imports the target's module by URL) cannot have in a browser bundle. `targets` holds the
 * target factories or models by export name, as `import * as targets from './targets.js'` gives
 * them; the module target of the run names one (`{ module: targets, exportName, args }`).
 *
 * ```ts
 * // sampling-worker.ts
 * import { serveSampling } from '@probdl/inference-hmc';
 * import * as targets from './targets.js';
 * serveSampling(targets);
 * // main thread
 * await sample(key(0), { module: targets, exportName: 'myTarget', args: [data] }, {
 *   numWorkers: 2,
 *   createWorker: () => new Worker(new URL('./sampling-worker.ts', import.meta.url), { type: 'module' }),
 * });
 * ```
 *
 * In Node the script runs in a `worker_threads` Worker and reads its jobs from `parentPort`.
 */
export function serveSampling(targets: Readonly<Record<string, unknown>>, options: ServeSamplingOptions = {}): void {
  if (typeof targets !== 'object' || targets === null) throw new TypeError(`serveSampling: targets must be the exports of a module (an object), got ${targets === null ? 'null' : typeof targets}`);
  const init = options.initBackend ?? ((name: BackendName) => initBackend({ prefer: [name] }));
  let abortRequested = false;
  const env: JobEnvironment = { module: () => targets, initBackend: init, abortRequested: () => abortRequested };
  const onMessage = (port: Port) => (data: unknown) => {
    const m = data as { type?: string; job?: WorkerJob };
    if (m.type === 'abort') abortRequested = true;
    if (m.type === 'job' && m.job) void runJob(m.job, port, env);
  };
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  if (isNode) {
    void import(/* @vite-ignore */ 'node:worker_threads').then(({ parentPort }) => {
      if (!parentPort) throw new Error('serveSampling: not in a worker thread');
      parentPort.on('message', onMessage(parentPort as unknown as Port));
    });
    return;
  }
  const scope = globalThis as unknown as MessageSource & Port;
  if (!('addEventListener' in scope)) throw new Error('serveSampling: not in a worker');
  scope.addEventListener('message', (e: MessageEvent) => onMessage(scope)(e.data));
}
