import type { UserConfig } from 'vitest/config';
export declare const ALL_BACKENDS: readonly ['cpu', 'wasm', 'webgpu'];
export type BackendName = (typeof ALL_BACKENDS)[number];
export interface ProbdlConfigOptions {
  /** Test globs per backend; the suite runs once for each backend listed. */
  backends?: Partial<Record<BackendName, string[]>>;
  /** Setup files: the package's own, which starts process.env.PROBDL_BACKEND. */
  setupFiles?: string[];
  /** Finds out, before any test starts, whether a WebGPU adapter exists. */
  probeWebGpu?: () => Promise<{ ok: boolean; reason: string }>;
  testTimeout?: number;
}
export declare function defineProbdlConfig(options: ProbdlConfigOptions): Promise<UserConfig>;
