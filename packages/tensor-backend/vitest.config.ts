import { defineProbdlConfig } from '@probdl/vitest-config';
import { probeWebGpu } from './src/backend/webgpu-node.js';

// The whole suite runs on cpu; the numerics that must agree across backends also run on wasm and WebGPU.
const crossBackend = ['test/prng/**/*.test.ts', 'test/linalg/**/*.test.ts', 'test/special/**/*.test.ts', 'test/autodiff/**/*.test.ts', 'test/backend/*.test.ts', 'test/trace/*.test.ts'];

export default defineProbdlConfig({
  setupFiles: ['./test/setup.ts'],
  backends: { cpu: ['test/**/*.test.ts'], wasm: crossBackend, webgpu: crossBackend },
  probeWebGpu: () => probeWebGpu(),
});
