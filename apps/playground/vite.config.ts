import { defineConfig } from 'vite';

// tensor-backend ships the tfjs wasm binaries in its dist/wasm and points at them with
// `new URL('./wasm/...', import.meta.url)`, which Vite copies into the bundle's assets.
export default defineConfig({
  build: { target: 'es2022', chunkSizeWarningLimit: 2500 },
  // The NUTS sampling worker is an ES module (it imports tfjs and the backends' code-split chunks).
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@probdl/tensor-backend'] },
});
