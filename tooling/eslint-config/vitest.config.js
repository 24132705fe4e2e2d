import { defineConfig } from 'vitest/config';

// These suites start eslint / vitest machinery per test: seconds each on an idle 2-core machine, so
// vitest's 5 s default is too tight when the machine is busy.
export default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 120_000 } });
