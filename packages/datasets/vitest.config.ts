import { defineProbdlConfig } from '@probdl/vitest-config';

export default defineProbdlConfig({
  setupFiles: ['./test/setup.ts'],
  backends: { cpu: ['test/**/*.test.ts'] },
});
