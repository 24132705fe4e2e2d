import { defineProbdlConfig } from '@probdl/vitest-config';
import { probeWebGpu } from '@probdl/tensor-backend';

// The whole suite runs on cpu; a representative subset (the reference-value checks of the core
// families, mixtures and KL) also runs on wasm and WebGPU, whose kernels differ.
const crossBackend = ['test/cross-backend/**/*.test.ts'];

export default defineProbdlConfig({
  setupFiles: ['./test/setup.ts'],
  backends: { cpu: ['test/**/*.test.ts'], wasm: crossBackend, webgpu: crossBackend },
  probeWebGpu: () => probeWebGpu(),
});
