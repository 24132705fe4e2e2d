import { importHidden, isNode } from './runtime.js';

/**
 * Where the tfjs wasm binaries are. In Node they are files inside the installed
 * `@tensorflow/tfjs-backend-wasm`, found through module resolution, so any package manager layout
 * works. In a browser the caller gives the URL prefix its bundler serves them from (for Vite:
 * import the three `.wasm` files with `?url`); without one tfjs looks beside the page.
 */
export async function resolveWasmPaths(explicit?: string | Record<string, string>): Promise<string | Record<string, string> | undefined> {
  if (explicit !== undefined) return explicit;
  if (!isNode()) return undefined;
  const { createRequire } = await importHidden<typeof import('node:module')>('node:module');
  const { dirname, join } = await importHidden<typeof import('node:path')>('node:path');
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const file = (name: string) => join(dist, name);
  return {
    'tfjs-backend-wasm.wasm': file('tfjs-backend-wasm.wasm'),
    'tfjs-backend-wasm-simd.wasm': file('tfjs-backend-wasm-simd.wasm'),
    'tfjs-backend-wasm-threaded-simd.wasm': file('tfjs-backend-wasm-threaded-simd.wasm'),
  };
}
