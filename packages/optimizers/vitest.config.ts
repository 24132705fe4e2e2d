import { defineProbdlConfig } from '@probdl/vitest-config';

// Optimizers are backend-independent arithmetic over trees: the suite runs on cpu, and the
// trajectory tests and the fused Adam kernel's also on wasm, whose kernels differ.
export default defineProbdlConfig({
  setupFiles: ['./test/setup.ts'],
  backends: { cpu: ['test/**/*.test.ts'], wasm: ['test/trajectories/**/*.test.ts', 'test/transforms/fused-adam.test.ts'] },
});
