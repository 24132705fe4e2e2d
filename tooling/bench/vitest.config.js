import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.js'],
    // The smoke test starts a backend process and a tfjs engine: seconds, not milliseconds.
    testTimeout: 180_000,
  },
});
