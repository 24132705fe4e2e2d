/** The tfjs backends probdl knows how to start. */
export type BackendName = 'webgpu' | 'wasm' | 'cpu';

export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'cpu'];

/** What a WebGPU adapter says about itself (fields may be empty strings, as Dawn leaves them). */
export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** 'core' or 'compatibility' (the reduced WebGPU feature level of OpenGL ES drivers). */
  featureLevel: 'core' | 'compatibility';
  /** In Node: the Dawn instance toggles that found it, e.g. ['backend=opengles']. */
  dawnToggles?: string[];
  /** A CPU rasteriser posing as a GPU (llvmpipe, SwiftShader, lavapipe, WARP): right, but slow. */
  software: boolean;
}

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  /** Empty when ok; otherwise why that backend did not start. */
  reason: string;
}

export interface BackendReport {
  /** The backend now active in tfjs-core. */
  backend: BackendName;
  /** Every backend tried, in order, with the reason for each failure. */
  attempts: BackendAttempt[];
  /** The adapter behind the webgpu backend, when that is the one started. */
  adapter?: AdapterDescription;
}
