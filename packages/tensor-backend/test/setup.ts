import '@probdl/vitest-config/matchers';
import { beforeAll } from 'vitest';
import { initBackend } from '../src/backend/init-backend.js';
import type { BackendName } from '../src/backend/types.js';

// Each vitest project sets PROBDL_BACKEND; the backend named there must start, never a fallback.
const backend = (process.env.PROBDL_BACKEND ?? 'cpu') as BackendName;

beforeAll(async () => {
  await initBackend({ prefer: [backend], webgpu: { cpuForward: false } });
});
