/**
 * The package's own sampling worker script (`chainMethod: 'workers'`, or lockstep blocks with
 * `numWorkers`): it imports the target's module by URL and runs its job (see `runJob`).
 */
import { initBackend, type BackendName } from '@probdl/tensor-backend';
import { runJob, type JobEnvironment, type Port } from './serve-sampling.js';
import type { WorkerJob } from './workers.js';

/** Set by an `{ type: 'abort' }` message (where there is no shared flag). */
let abortMessage = false;

const env: JobEnvironment = {
  module: (job) => job.target.module!,
  initBackend: (name: BackendName) => initBackend({ prefer: [name] }),
  abortRequested: () => abortMessage,
};

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
if (isNode) {
  const { parentPort, workerData } = await import(/* @vite-ignore */ 'node:worker_threads');
  if (parentPort && workerData) {
    parentPort.on('message', (m: { type?: string }) => {
      if (m.type === 'abort') abortMessage = true;
    });
    await runJob(workerData as WorkerJob, parentPort as unknown as Port, env);
    parentPort.close();
  }
} else {
  const scope = globalThis as unknown as { addEventListener(t: 'message', f: (e: MessageEvent) => void): void } & Port;
  scope.addEventListener('message', (e: MessageEvent) => {
    const m = e.data as { type?: string; job?: WorkerJob };
    if (m.type === 'abort') abortMessage = true;
    if (m.type === 'job' && m.job) void runJob(m.job, scope, env);
  });
}
