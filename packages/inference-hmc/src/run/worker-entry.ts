/**
 * The script of a sampling worker (`chainMethod: 'workers'`): it starts the backend the main
 * thread uses, loads the module target, runs its group of chains with the same code as
 * 'sequential' and posts progress, snapshots and the result back.
 */
import { initBackend, keyFromData, type BackendName } from '@probdl/tensor-backend';
import { GroupAborted, runGroup } from './group-runner.js';
import type { ResolvedOptions } from './options.js';
import { resolveTarget } from './target.js';
import type { WorkerJob, WorkerMessage } from './workers.js';

interface Port {
  postMessage(m: WorkerMessage, transfer?: Transferable[]): void;
}

/** Set by an `{ type: 'abort' }` message (where there is no shared flag). */
let abortMessage = false;

async function run(job: WorkerJob, port: Port): Promise<void> {
  const flag = job.abortFlag ? new Int32Array(job.abortFlag) : null;
  try {
    await initBackend({ prefer: [job.backend as BackendName] });
    const target = await resolveTarget(job.target);
    try {
      const { hasProgress, hasSnapshot, ...plain } = job.options;
      const options: ResolvedOptions = { ...plain, kernelObject: undefined, progress: undefined, signal: undefined, onCheckpoint: undefined, initStrategy: undefined };
      const signal = {
        get aborted() {
          return abortMessage || (flag !== null && Atomics.load(flag, 0) === 1);
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

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
if (isNode) {
  const { parentPort, workerData } = await import(/* @vite-ignore */ 'node:worker_threads');
  if (parentPort && workerData) {
    parentPort.on('message', (m: { type?: string }) => {
      if (m.type === 'abort') abortMessage = true;
    });
    await run(workerData as WorkerJob, parentPort as unknown as Port);
    parentPort.close();
  }
} else {
  const scope = globalThis as unknown as { addEventListener(t: 'message', f: (e: MessageEvent) => void): void } & Port;
  scope.addEventListener('message', (e: MessageEvent) => {
    const m = e.data as { type?: string; job?: WorkerJob };
    if (m.type === 'abort') abortMessage = true;
    if (m.type === 'job' && m.job) void run(m.job, scope);
  });
}
