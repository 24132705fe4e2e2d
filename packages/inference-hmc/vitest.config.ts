import { defineProbdlConfig } from '@probdl/vitest-config';
import { probeWebGpu } from '@probdl/tensor-backend';

// The whole suite runs on cpu; the NUTS tree against a float64 host copy of Stan's build_tree, the
// Metropolis decision and the metrics also run on wasm and WebGPU, whose kernels differ.
const crossBackend = ['test/nuts/nuts-reference.test.ts', 'test/kernels/proposal.test.ts', 'test/metric.test.ts', 'test/metrics/euclidean.test.ts'];

export default defineProbdlConfig({
  setupFiles: ['./test/setup.ts'],
  // Replayed gradients exist on cpu and wasm only (WebGPU declines them: nothing to compare there).
  backends: { cpu: ['test/**/*.test.ts'], wasm: [...crossBackend, 'test/run/trace-gradient.test.ts'], webgpu: crossBackend },
  probeWebGpu: () => probeWebGpu(),
});
