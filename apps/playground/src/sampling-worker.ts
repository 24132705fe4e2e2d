// The page's sampling worker (NUTS with workers=N): Vite builds it with the target's code and
// @probdl/inference-hmc, which serve the jobs `sample` sends (see serveSampling).
import { serveSampling } from '@probdl/inference-hmc';
import { initBackend, type BackendName } from '@probdl/tensor-backend';
import * as targets from './nuts-target.js';

// As the page: small tensors on the GPU too, and a software adapter if that is what the page runs.
serveSampling(targets, { initBackend: (name: BackendName) => initBackend({ prefer: [name], webgpu: { allowSoftware: true, cpuForward: false } }) });
