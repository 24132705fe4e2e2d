import type { AdapterDescription } from './types.js';
import { importHidden, isNode } from './runtime.js';

/** Options for WebGPU in Node through the `webgpu` npm package (Dawn). */
export interface NodeWebGpuOptions {
  /**
   * Dawn instance toggles to try, in order. The default tries Dawn's own choice first (Vulkan,
   * Metal or D3D12 on a machine with a GPU), then OpenGL ES, which reaches Mesa's llvmpipe on a
   * machine without one. `PROBDL_WEBGPU_BACKEND=opengles` (or vulkan, ...) pins one.
   */
  dawnToggles?: string[][];
  powerPreference?: 'high-performance' | 'low-power';
}

interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<AdapterLike | null>;
  wgslLanguageFeatures?: unknown;
}
interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  featureLevel?: string;
}

export interface FoundAdapter {
  gpu: GpuLike;
  featureLevel: 'core' | 'compatibility';
  adapter: AdapterDescription;
}

const SOFTWARE_ADAPTERS = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|warp/i;

export function describeAdapter(adapter: AdapterLike, featureLevel: 'core' | 'compatibility', dawnToggles?: string[]): AdapterDescription {
  const info = adapter.info ?? {};
  const described: AdapterDescription = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    featureLevel,
    software: false,
  };
  described.software = SOFTWARE_ADAPTERS.test([described.vendor, described.architecture, described.device, described.description].join(' '));
  if (dawnToggles) described.dawnToggles = dawnToggles;
  return described;
}

function defaultToggles(): string[][] {
  const pinned = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.PROBDL_WEBGPU_BACKEND;
  if (pinned) return [[`backend=${pinned}`]];
  return [[], ['backend=opengles']];
}

/**
 * Finds a WebGPU adapter through Dawn in Node: for each toggle set, a core adapter first, then a
 * compatibility one. Throws with every reason when there is none.
 */
export async function findNodeAdapter(options: NodeWebGpuOptions = {}): Promise<FoundAdapter> {
  if (!isNode()) throw new Error('findNodeAdapter runs under Node only');
  let dawn: { create(toggles: string[]): GpuLike; globals: Record<string, unknown> };
  try {
    dawn = await importHidden('webgpu');
  } catch (error) {
    throw new Error(`the 'webgpu' package (Dawn for Node) is not installed: npm install webgpu (${(error as Error).message})`);
  }
  Object.assign(globalThis, dawn.globals);
  const env = (globalThis as { process: { env: Record<string, string | undefined> } }).process.env;
  // Mesa's EGL needs a platform without a display server; a set value is the user's and wins.
  env.EGL_PLATFORM ??= 'surfaceless';
  const tried: string[] = [];
  for (const toggles of options.dawnToggles ?? defaultToggles()) {
    let gpu: GpuLike;
    try {
      gpu = dawn.create(toggles);
    } catch (error) {
      tried.push(`[${toggles.join(' ')}]: ${(error as Error).message}`);
      continue;
    }
    for (const featureLevel of ['core', 'compatibility'] as const) {
      const label = `[${toggles.join(' ') || 'default'}] ${featureLevel}`;
      try {
        const adapter = await gpu.requestAdapter({ featureLevel, powerPreference: options.powerPreference ?? 'high-performance' });
        if (adapter) return { gpu, featureLevel, adapter: describeAdapter(adapter, featureLevel, toggles) };
        tried.push(`${label}: no adapter`);
      } catch (error) {
        // Dawn rejects unknown toggles here, with a multi-line message: keep its first line.
        tried.push(`${label}: ${String((error as Error).message).split('\n')[0]}`);
      }
    }
  }
  throw new Error(`no WebGPU adapter from Dawn (${tried.join('; ')})`);
}

/**
 * Makes a found adapter's GPU the `navigator.gpu` that tfjs' WebGPU backend sees, asking for the
 * feature level that found it (tfjs itself never asks for 'compatibility').
 */
export function installNavigatorGpu(found: FoundAdapter): void {
  const { gpu, featureLevel } = found;
  const wrapped = {
    requestAdapter: (options: Record<string, unknown> = {}) => gpu.requestAdapter({ ...options, featureLevel }),
    getPreferredCanvasFormat: () => 'rgba8unorm',
    get wgslLanguageFeatures() {
      return gpu.wgslLanguageFeatures;
    },
  };
  const g = globalThis as unknown as { navigator?: Record<string, unknown> };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  }
  Object.defineProperty(g.navigator, 'gpu', { value: wrapped, configurable: true });
}

/** Whether a WebGPU adapter can be had here, and which; never throws. */
export async function probeWebGpu(options: NodeWebGpuOptions = {}): Promise<{ ok: boolean; reason: string; adapter?: AdapterDescription }> {
  try {
    if (isNode()) {
      const found = await findNodeAdapter(options);
      return { ok: true, reason: formatAdapter(found.adapter), adapter: found.adapter };
    }
    const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    if (!gpu) return { ok: false, reason: 'navigator.gpu is missing (this browser has no WebGPU)' };
    const adapter = await gpu.requestAdapter({});
    if (!adapter) return { ok: false, reason: 'navigator.gpu.requestAdapter() gave no adapter' };
    const described = describeAdapter(adapter, 'core');
    return { ok: true, reason: formatAdapter(described), adapter: described };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

export function formatAdapter(a: AdapterDescription): string {
  const parts = [a.vendor, a.architecture, a.device, a.description].filter((s) => s.length > 0);
  const toggles = a.dawnToggles && a.dawnToggles.length > 0 ? `, Dawn ${a.dawnToggles.join(' ')}` : '';
  return `${parts.join(' / ') || 'unnamed adapter'} (${a.software ? 'software, ' : ''}${a.featureLevel}${toggles})`;
}
