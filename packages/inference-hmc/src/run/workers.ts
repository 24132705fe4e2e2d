import { currentBackend, keyData } from '@probdl/tensor-backend';
import { GroupAborted, type GroupResult } from './group-runner.js';
import type { ResolvedOptions } from './options.js';
import type { GroupCheckpoint, ModuleTarget, Progress, SamplingWorker } from './types.js';
import type { GroupPlan } from './sample.js';

/** What a worker receives (structured-cloneable). */
export interface WorkerJob {
  /** The target; `module` is null for a worker from `createWorker`, which resolves the name itself. */
  readonly target: { module: string | null; exportName: string; args: unknown[]; kind?: 'factory' | 'model' };
  readonly options: Omit<ResolvedOptions, 'kernelObject' | 'progress' | 'signal' | 'onCheckpoint' | 'initStrategy' | 'createWorker'> & { hasProgress: boolean; hasSnapshot: boolean };
  readonly chains: number[];
  readonly key: { data: number[]; partitionable: boolean };
  readonly resume: GroupCheckpoint | null;
  readonly backend: string;
  /** One Int32 flag set to 1 to abort; null where SharedArrayBuffer is missing (a page without cross-origin isolation): an `{ type: 'abort' }` message then. */
  readonly abortFlag: SharedArrayBuffer | null;
}

/** Messages from a worker. */
export type WorkerMessage =
  | { type: 'progress'; progress: Progress }
  | { type: 'snapshot'; checkpoint: GroupCheckpoint }
  | { type: 'done'; result: GroupResult }
  | { type: 'aborted'; checkpoint: GroupCheckpoint }
  | { type: 'error'; name: string; message: string; stack?: string };

interface WorkerLike {
  postMessage(m: unknown): void;
  terminate(): unknown;
  onMessage(f: (m: WorkerMessage) => void): void;
  onError(f: (e: Error) => void): void;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

function moduleHref(m: ModuleTarget['module']): string {
  if (typeof m === 'object' && !(m instanceof URL)) throw new TypeError('sample: target.module given as exports needs options.createWorker');
  if (m instanceof URL) return m.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(m)) return m;
  if (m.startsWith('/') && isNode) return new URL(`file://${m}`).href;
  return m;
}

async function nodeWorker(job: WorkerJob): Promise<WorkerLike> {
  const { Worker } = await import(/* @vite-ignore */ 'node:worker_threads');
  const here = import.meta.url;
  let worker: InstanceType<typeof Worker>;
  if (here.endsWith('.ts')) {
    // Running from the TypeScript sources (tests, development): register tsx in the worker first.
    const { createRequire } = await import(/* @vite-ignore */ 'node:module');
    const { pathToFileURL } = await import(/* @vite-ignore */ 'node:url');
    let api: string;
    try {
      api = pathToFileURL(createRequire(here).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
    } catch {
      throw new Error("sample: chainMethod 'workers' from the TypeScript sources needs tsx installed (a devDependency)");
    }
    const entry = new URL('./worker-entry.ts', here).href;
    const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(entry)});`;
    worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: job });
  } else {
    worker = new Worker(new URL('./worker-entry.js', here), { workerData: job });
  }
  return {
    postMessage: (m) => worker.postMessage(m),
    terminate: () => worker.terminate(),
    onMessage: (f) => worker.on('message', f),
    onError: (f) => worker.on('error', f),
  };
}

/** A worker from `createWorker` (a script that calls serveSampling), web or Node. */
function servedWorker(w: SamplingWorker, job: WorkerJob): WorkerLike {
  const web = w as unknown as Worker;
  const node = w as unknown as { on(t: string, f: (m: unknown) => void): void };
  const isWeb = typeof web.addEventListener === 'function';
  w.postMessage({ type: 'job', job });
  return {
    postMessage: (m) => w.postMessage(m),
    terminate: () => w.terminate(),
    onMessage: (f) => (isWeb ? web.addEventListener('message', (e: MessageEvent) => f(e.data as WorkerMessage)) : node.on('message', (m) => f(m as WorkerMessage))),
    onError: (f) =>
      isWeb ? web.addEventListener('error', (e: ErrorEvent) => f(new Error(e.message || 'sampling worker failed to start'))) : node.on('error', (e) => f(e as Error)),
  };
}

function webWorker(job: WorkerJob): WorkerLike {
  const W = (globalThis as unknown as { Worker: new (url: URL, o: { type: 'module' }) => Worker }).Worker;
  const worker = new W(new URL('./worker-entry.js', import.meta.url), { type: 'module' });
  worker.postMessage({ type: 'job', job });
  return {
    postMessage: (m) => worker.postMessage(m),
    terminate: () => worker.terminate(),
    onMessage: (f) => worker.addEventListener('message', (e: MessageEvent) => f(e.data as WorkerMessage)),
    onError: (f) => worker.addEventListener('error', (e: ErrorEvent) => f(new Error(e.message))),
  };
}

/**
 * Runs each group in a worker of its own and gathers the results in order: all at once, or with
 * chainMethod 'workers' and numWorkers set, at most that many at a time (the next group starts
 * when one finishes).
 * Rejects with a {@link GroupAborted} (after every worker has stopped and written its snapshot
 * into `saved`) when `signal` aborts.
 */
export async function runWorkers(run: {
  target: ModuleTarget;
  options: ResolvedOptions;
  plans: GroupPlan[];
  saved: (GroupCheckpoint | null)[];
  signal: AbortSignal | undefined;
  progress: ((p: Progress) => void) | undefined;
  onSnapshot: (() => Promise<void>) | undefined;
}): Promise<GroupResult[]> {
  const { options: o } = run;
  const abortFlag = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4) : null;
  const flag = abortFlag ? new Int32Array(abortFlag) : null;
  const {
    kernelObject: _k,
    createWorker,
    progress: _p,
    signal: _s,
    onCheckpoint: _c,
    initStrategy: _i,
    ...plain
  } = o;
  const workers: WorkerLike[] = [];
  const onAbort = () => {
    if (flag) Atomics.store(flag, 0, 1);
    for (const w of workers) w.postMessage({ type: 'abort' });
  };
  run.signal?.addEventListener('abort', onAbort);
  if (run.signal?.aborted) onAbort();
  let aborted = false;
  const limit = o.chainMethod === 'workers' && o.numWorkers !== null ? Math.min(o.numWorkers, run.plans.length) : run.plans.length;
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (running < limit) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
  };
  // Hands the slot to the next waiting group, or frees it.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  try {
    const outcomes = await Promise.allSettled(
      run.plans.map(async (plan, i) => {
        await acquire();
        try {
          return await runOne(plan, i);
        } finally {
          release();
        }
      }),
    );
    const failed = outcomes.find((r) => r.status === 'rejected' && !(r.reason instanceof GroupAborted));
    if (failed) throw (failed as PromiseRejectedResult).reason;
    if (aborted) throw new GroupAborted(run.saved.find((g) => g !== null) as GroupCheckpoint);
    return outcomes.map((r) => (r as PromiseFulfilledResult<GroupResult>).value);
  } finally {
    run.signal?.removeEventListener('abort', onAbort);
    for (const w of workers) void w.terminate();
  }

  async function runOne(plan: GroupPlan, i: number): Promise<GroupResult> {
    if (run.signal?.aborted || (flag !== null && Atomics.load(flag, 0) === 1)) {
      // Aborted before this group started: it stays unstarted (null) in the checkpoint.
      aborted = true;
      throw new GroupAborted(run.saved[i] as GroupCheckpoint);
    }
    const job: WorkerJob = {
      target: {
        module: createWorker ? null : moduleHref(run.target.module),
        exportName: run.target.exportName,
        args: (run.target.args ?? []).slice(),
        ...(run.target.kind ? { kind: run.target.kind } : {}),
      },
      options: { ...plain, hasProgress: run.progress !== undefined, hasSnapshot: run.onSnapshot !== undefined },
      chains: plan.chains,
      key: { data: Array.from(keyData(plan.key)), partitionable: plan.key.partitionable },
      resume: run.saved[i] ?? null,
      backend: currentBackend(),
      abortFlag,
    };
    const w = createWorker ? servedWorker(createWorker(), job) : isNode ? await nodeWorker(job) : webWorker(job);
    workers.push(w);
    if (run.signal?.aborted) w.postMessage({ type: 'abort' });
    return new Promise<GroupResult>((resolve, reject) => {
      w.onError((e) => {
        onAbort();
        reject(e);
      });
      w.onMessage((m) => {
        if (m.type === 'progress') run.progress?.(m.progress);
        else if (m.type === 'snapshot') {
          run.saved[i] = m.checkpoint;
          void run.onSnapshot?.();
        } else if (m.type === 'done') {
          run.saved[i] = m.result.checkpoint;
          resolve(m.result);
        } else if (m.type === 'aborted') {
          run.saved[i] = m.checkpoint;
          aborted = true;
          reject(new GroupAborted(m.checkpoint));
        } else {
          // One chain failed: stop the others too.
          onAbort();
          const e = new Error(m.message);
          e.name = m.name;
          if (m.stack) e.stack = m.stack;
          reject(e);
        }
      });
    });
  }
}
