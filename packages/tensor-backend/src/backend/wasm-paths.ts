import { importHidden, isNode } from './runtime.js';
import { WASM_FILES } from './wasm-files.js';

/**
 * The wasm binaries as shipped in this package's dist/wasm. Each `new URL('literal',
 * import.meta.url)` is the static form that Vite, webpack 5 and Parcel recognise: they copy the file
 * into the app's assets and rewrite the URL, so a bundled app finds the binaries with no setting.
 */
export function bundledWasmUrls(): Record<string, string> {
  return {
    'tfjs-backend-wasm.wasm': new URL('./wasm/tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('./wasm/tfjs-backend-wasm-simd.wasm', import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL('./wasm/tfjs-backend-wasm-threaded-simd.wasm', import.meta.url).href,
  };
}

/**
 * Where the tfjs wasm binaries are. In Node: the files of the installed
 * `@tensorflow/tfjs-backend-wasm`, found by module resolution (any package-manager layout). In a
 * browser: the copies in this package's dist/wasm (see bundledWasmUrls), unless the caller names
 * another place (a prefix, or a map from file name to URL).
 */
export async function resolveWasmPaths(explicit?: string | Record<string, string>): Promise<string | Record<string, string>> {
  if (explicit !== undefined) return explicit;
  if (!isNode()) return bundledWasmUrls();
  const { createRequire } = await importHidden<typeof import('node:module')>('node:module');
  const { dirname, join } = await importHidden<typeof import('node:path')>('node:path');
  const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  return Object.fromEntries(WASM_FILES.map((f) => [f, join(dist, f)]));
}
