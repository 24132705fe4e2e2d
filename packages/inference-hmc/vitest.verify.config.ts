import { defineConfig } from 'vitest/config';

// The acceptance runs (NUTS on the five posteriordb posteriors with 4 and 64 chains, the
// Indaba BNN's multimodality): about 30 minutes on a 2-core CPU, so they run with `pnpm verify`,
// not in `pnpm test`. Each file picks its backend itself (PROBDL_VERIFY_BACKEND, default wasm).
export default defineConfig({
  test: {
    include: ['test/verification/**/*.verify.ts'],
    setupFiles: ['./test/setup.ts'],
    pool: 'forks',
    testTimeout: 1_800_000,
    hookTimeout: 300_000,
  },
});
