import { defineConfig } from 'vitest/config';

// The atomic-write test writes 24 MB while a reader polls: seconds on a busy 2-core machine.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } });
