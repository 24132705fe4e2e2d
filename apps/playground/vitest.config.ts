import { defineProbdlConfig } from '@probdl/vitest-config';

// The pure parts (data, bands) and a few training steps of each model, in Node on the cpu backend;
// the page itself is checked in Chromium by `test:browser`.
export default defineProbdlConfig({
  setupFiles: ['./test/setup.ts'],
  backends: { cpu: ['test/**/*.test.ts'] },
  testTimeout: 60_000,
});
