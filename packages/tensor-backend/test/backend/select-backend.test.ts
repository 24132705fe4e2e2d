import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/init-backend.js';
import type { BackendName } from '../../src/backend/types.js';
import { describeAdapter, formatAdapter, probeWebGpu } from '../../src/backend/webgpu-node.js';

const backend = (process.env.PROBDL_BACKEND ?? 'cpu') as BackendName;

describe('describeAdapter', () => {
  it('marks CPU rasterisers as software and real GPUs not', () => {
    const llvmpipe = describeAdapter({ info: { device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: 'OpenGL ES 3.2 Mesa' } }, 'compatibility', ['backend=opengles']);
    expect(llvmpipe.software).toBe(true);
    expect(formatAdapter(llvmpipe)).toBe('llvmpipe (LLVM 15.0.6, 256 bits) / OpenGL ES 3.2 Mesa (software, compatibility, Dawn backend=opengles)');
    expect(describeAdapter({ info: { vendor: 'google', architecture: 'swiftshader' } }, 'core').software).toBe(true);
    expect(describeAdapter({ info: { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H100' } }, 'core').software).toBe(false);
  });
});

describe(`initBackend choices (project ${backend})`, () => {
  afterAll(async () => {
    await initBackend({ prefer: [backend], webgpu: { cpuForward: false } });
  });

  // In the webgpu project Dawn is already up in this process: the failure paths are the other projects' to test.
  it.skipIf(backend === 'webgpu')('fails with every reason when the only backend asked for cannot start, never falling back', async () => {
    await expect(initBackend({ prefer: ['webgpu'], webgpu: { dawnToggles: [['backend=no-such-backend']] } })).rejects.toThrow(
      /initBackend: backend 'webgpu' could not start \(webgpu: .*no WebGPU adapter from Dawn/,
    );
    expect(tf.getBackend()).toBe(backend);
  });

  it.skipIf(backend === 'webgpu')('falls through a list and reports why each earlier backend did not start', async () => {
    const report = await initBackend({ prefer: ['webgpu', backend], webgpu: { dawnToggles: [['backend=no-such-backend']] } });
    expect(report.backend).toBe(backend);
    expect(report.attempts.map((a) => [a.backend, a.ok])).toEqual([['webgpu', false], [backend, true]]);
    expect(report.attempts[0]?.reason).toMatch(/no WebGPU adapter/);
  });

  it.runIf(backend === 'webgpu')('skips a software adapter when a fallback is listed, unless allowed', async () => {
    const probe = await probeWebGpu();
    expect(probe.ok).toBe(true);
    const report = await initBackend({ prefer: ['webgpu', 'cpu'] });
    if (probe.adapter?.software) {
      expect(report.backend).toBe('cpu');
      expect(report.attempts[0]?.reason).toMatch(/only a software adapter .*set webgpu.allowSoftware/);
      const allowed = await initBackend({ prefer: ['webgpu', 'cpu'], webgpu: { allowSoftware: true } });
      expect(allowed.backend).toBe('webgpu');
      expect(allowed.adapter?.software).toBe(true);
    } else {
      expect(report.backend).toBe('webgpu');
    }
  });
});
