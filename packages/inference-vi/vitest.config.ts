import { defineProbdlConfig } from '@probdl/vitest-config';
import { probeWebGpu } from '@probdl/tensor-backend';

// The whole suite runs on cpu; the log-density checks of the reference posteriors also run on
// wasm and WebGPU, whose kernels differ.
const crossBackend = ['test/cross-backend/**/*.test.ts'];

export default defineProbdlConfig({
  setupFiles: ['./test/setup.ts'],
  backends: { cpu: ['test/**/*.test.ts'], wasm: crossBackend, webgpu: crossBackend },
  probeWebGpu: () => probeWebGpu(),
});
