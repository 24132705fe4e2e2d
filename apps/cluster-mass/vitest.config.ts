import { defineProbdlConfig } from '@probdl/vitest-config';

// The study test trains two small networks: on wasm (the fast CPU backend) it takes well under a
// minute; the cpu project name is what the repository's `pnpm test` selects by default.
export default defineProbdlConfig({
  setupFiles: ['./test/setup.ts'],
  backends: { cpu: ['test/**/*.test.ts'] },
  testTimeout: 180_000,
});
