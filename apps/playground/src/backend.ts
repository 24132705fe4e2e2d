// Starts tfjs on WebGPU when the browser has it, wasm otherwise, and says which (and why not the other).
import { initBackend, type BackendName, type BackendReport } from '@probdl/tensor-backend';

export interface BackendChoice {
  /** Backends to try in order (default webgpu, then wasm). */
  readonly prefer: BackendName[];
  /** Take a software WebGPU adapter (SwiftShader, llvmpipe) although wasm is faster on a CPU. */
  readonly allowSoftware: boolean;
}

export function startBackend(choice: BackendChoice): Promise<BackendReport> {
  // cpuForward false: small tensors run on the GPU too, so "webgpu" means the GPU does the work.
  return initBackend({ prefer: choice.prefer, webgpu: { allowSoftware: choice.allowSoftware, cpuForward: false } });
}

/** One line for the page: the backend, its adapter, and why earlier backends did not start. */
export function describeBackend(report: BackendReport): string {
  let text = `backend: ${report.backend}`;
  const a = report.adapter;
  if (a) {
    const name = [a.vendor, a.architecture, a.device, a.description].filter((s) => s !== '').join(' ');
    text += ` (adapter: ${name || 'unnamed'}${a.software ? ', software' : ''})`;
  }
  for (const failed of report.attempts.filter((t) => !t.ok)) text += `; ${failed.backend} not used: ${failed.reason}`;
  return text;
}
