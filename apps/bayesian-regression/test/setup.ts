import '@probdl/vitest-config/matchers';
import { initBackend, type BackendName } from '@probdl/tensor-backend';
import { beforeAll } from 'vitest';

const backend = (process.env.PROBDL_BACKEND ?? 'cpu') as BackendName;

beforeAll(async () => {
  await initBackend({ prefer: [backend], webgpu: { cpuForward: false } });
});
