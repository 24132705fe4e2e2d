import * as tf from '@tensorflow/tfjs-core';
import { registerMissingWasmKernels } from './wasm-kernels.js';
import { registerWasmGather } from './wasm-gather.js';
import type { AdapterDescription, BackendAttempt, BackendName, BackendReport } from './types.js';
import { BACKEND_NAMES } from './types.js';
import { findNodeAdapter, installNavigatorGpu, describeAdapter, formatAdapter, type NodeWebGpuOptions } from './webgpu-node.js';
import { resolveWasmPaths } from './wasm-paths.js';
import { isNode } from './runtime.js';

export interface InitBackendOptions {
  /** Backends to try, in order; the first that starts wins. Default: webgpu, wasm, cpu. */
  prefer?: BackendName[];
  webgpu?: NodeWebGpuOptions & {
    /**
     * tfjs runs ops on tensors below a size threshold on the CPU when this is true (its default).
     * Tests of the GPU path set it false, or small tensors never reach the GPU.
     */
    cpuForward?: boolean;
    /**
     * Whether a software adapter (Mesa llvmpipe, SwiftShader) may win when `prefer` lists other
     * backends after webgpu. Default false: on a CPU the wasm backend is several times faster.
     * A `prefer` of webgpu alone always takes the adapter there is.
     */
    allowSoftware?: boolean;
  };
  wasm?: {
    /**
     * Where the `.wasm` files are served: a URL prefix or a map from file name to URL. Node finds
     * them itself; bundlers (Vite, webpack 5, Parcel) pick up the copies in this package's
     * dist/wasm without this. Set it for a CDN or a bundler that does not handle
     * `new URL(..., import.meta.url)`.
     */
    paths?: string | Record<string, string>;
  };
}

let gradientsRegistered: Promise<unknown> | undefined;

/**
 * Registers every tfjs-core op's gradient, and the chained-op methods (`t.reshape(...)`) that some
 * of tfjs-core's own gradients call, on every backend. tfjs-core ships both only as side-effect
 * imports, which initBackend runs once.
 */
export function registerGradients(): Promise<unknown> {
  gradientsRegistered ??= Promise.all([
    import('@tensorflow/tfjs-core/dist/register_all_gradients.js'),
    import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js'),
  ]);
  return gradientsRegistered;
}

async function startCpu(): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") returned false');
}

async function startWasm(options: InitBackendOptions['wasm'] = {}): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  registerMissingWasmKernels();
  registerWasmGather();
  const paths = await resolveWasmPaths(options.paths);
  try {
    wasm.setWasmPaths(paths as never);
  } catch {
    // tfjs-wasm refuses new paths once its module has loaded; the first ones stay in force.
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false (the .wasm binary did not load)');
}

let nodeAdapter: AdapterDescription | undefined;

async function startWebGpu(options: InitBackendOptions['webgpu'] = {}, fallbackExists = false): Promise<AdapterDescription> {
  let adapter: AdapterDescription | undefined;
  if (isNode()) {
    if (nodeAdapter === undefined) {
      const found = await findNodeAdapter(options);
      installNavigatorGpu(found);
      nodeAdapter = found.adapter;
    }
    adapter = nodeAdapter;
  } else {
    const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
    if (!gpu) throw new Error('navigator.gpu is missing: this browser has no WebGPU');
    const found = await gpu.requestAdapter();
    if (!found) throw new Error('navigator.gpu.requestAdapter() gave no adapter');
    adapter = describeAdapter(found as never, 'core');
  }
  if (adapter.software && fallbackExists && options.allowSoftware !== true) {
    throw new Error(`only a software adapter (${formatAdapter(adapter)}), slower than wasm on a CPU; set webgpu.allowSoftware or prefer ['webgpu'] to use it`);
  }
  // The backend registers itself at import only if navigator.gpu exists, so import it now.
  await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu') === null) throw new Error('@tensorflow/tfjs-backend-webgpu did not register (navigator.gpu missing at import)');
  if (options.cpuForward !== undefined) tf.env().set('WEBGPU_CPU_FORWARD', options.cpuForward);
  if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend("webgpu") returned false');
  return adapter;
}

function checkNames(prefer: BackendName[]): void {
  if (!Array.isArray(prefer) || prefer.length === 0) throw new Error(`initBackend: 'prefer' must list at least one of ${BACKEND_NAMES.join(', ')}`);
  for (const name of prefer) {
    if (!BACKEND_NAMES.includes(name)) throw new Error(`initBackend: unknown backend '${String(name)}' in 'prefer'; known: ${BACKEND_NAMES.join(', ')}`);
  }
}

/**
 * Starts the first backend of `prefer` that works, registers every gradient, and says which one
 * started and why each earlier one did not. A list of one backend that cannot start is an error:
 * asking for WebGPU never silently gives the cpu.
 *
 * ```ts
 * const report = await initBackend({ prefer: ['webgpu', 'wasm', 'cpu'] });
 * console.log(report.backend, report.adapter?.device);
 * ```
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendReport> {
  const prefer = options.prefer ?? ['webgpu', 'wasm', 'cpu'];
  checkNames(prefer);
  await registerGradients();
  const attempts: BackendAttempt[] = [];
  for (const backend of prefer) {
    try {
      let adapter: AdapterDescription | undefined;
      if (backend === 'cpu') await startCpu();
      else if (backend === 'wasm') await startWasm(options.wasm);
      else adapter = await startWebGpu(options.webgpu, backend !== prefer.at(-1));
      await tf.ready();
      attempts.push({ backend, ok: true, reason: '' });
      return adapter ? { backend, attempts, adapter } : { backend, attempts };
    } catch (error) {
      attempts.push({ backend, ok: false, reason: (error as Error).message });
    }
  }
  const reasons = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
  throw new Error(prefer.length === 1 ? `initBackend: backend '${prefer[0]}' could not start (${reasons})` : `initBackend: no backend could start (${reasons})`);
}

/** The name of the active tfjs backend. */
export function currentBackend(): string {
  return tf.getBackend();
}
