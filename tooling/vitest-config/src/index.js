import { defineConfig } from 'vitest/config';

export const ALL_BACKENDS = /** @type {const} */ (['cpu', 'wasm', 'webgpu']);

/**
 * A vitest config whose suites run once per backend, as vitest projects named after the backend.
 * Each project sets PROBDL_BACKEND for the package's setup file, which starts that backend.
 *
 * The webgpu project is only included when `probeWebGpu()` finds an adapter. Without one it is
 * left out with a printed reason, unless PROBDL_REQUIRE_WEBGPU=1, where the missing adapter is an
 * error: CI must never pass by skipping the GPU path.
 *
 * @param {import('./index').ProbdlConfigOptions} options
 */
export async function defineProbdlConfig(options) {
  const backends = options.backends ?? { cpu: ['test/**/*.test.ts'] };
  const requireWebGpu = process.env.PROBDL_REQUIRE_WEBGPU === '1';
  const only = process.env.PROBDL_BACKEND;
  const projects = [];
  for (const [name, include] of Object.entries(backends)) {
    if (only && only !== name) continue;
    if (name === 'webgpu') {
      const probe = options.probeWebGpu ? await options.probeWebGpu() : { ok: false, reason: 'no probeWebGpu given' };
      if (!probe.ok) {
        const message = `[probdl] WebGPU suite: no adapter (${probe.reason})`;
        if (requireWebGpu) throw new Error(`${message}; PROBDL_REQUIRE_WEBGPU=1 makes this a failure`);
        console.warn(`${message}; skipping the webgpu project. Set PROBDL_REQUIRE_WEBGPU=1 to make this an error.`);
        continue;
      }
      console.warn(`[probdl] WebGPU suite runs on: ${probe.reason}`);
    }
    projects.push({
      extends: true,
      test: {
        name,
        include,
        env: { PROBDL_BACKEND: name },
        // Software WebGPU is slow: give its project room without loosening the others.
        testTimeout: name === 'webgpu' ? (options.testTimeout ?? 30_000) * 4 : (options.testTimeout ?? 30_000),
      },
    });
  }
  if (projects.length === 0) throw new Error(`[probdl] no test project selected (PROBDL_BACKEND=${only ?? ''})`);
  return defineConfig({
    test: {
      setupFiles: options.setupFiles ?? [],
      // Native addons (Dawn) and tfjs engines are per process: forks, not threads.
      pool: 'forks',
      hookTimeout: 120_000,
      projects,
    },
  });
}
