import { defineProbdlConfig } from '@probdl/vitest-config';

// The study test runs every section with --quick in one process on the cpu backend (the project
// name the repository's `pnpm test` selects): about a minute on a 2-core CPU (see README).
export default defineProbdlConfig({
  setupFiles: ['./test/setup.ts'],
  backends: { cpu: ['test/**/*.test.ts'] },
  testTimeout: 180_000,
});
