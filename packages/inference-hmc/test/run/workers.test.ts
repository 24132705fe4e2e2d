import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { sample, SampleAbortError, type Progress, type SampleOptions } from '../../src/run/index.js';

// The worker loads this module itself (functions cannot be sent to a worker). Under the tests the
// package runs from its TypeScript sources, so the runner registers tsx in each worker first.
const target = { module: new URL('./fixtures/normal-model.ts', import.meta.url), exportName: 'normalTarget' };
const options: SampleOptions = { kernel: 'hmc', numIntegrationSteps: 3, numWarmup: 30, numSamples: 30, numChains: 2 };

describe("sample: chainMethod 'workers'", () => {
  it('runs each chain in a worker and equals the sequential run bit for bit', async () => {
    const progress: Progress[] = [];
    const workers = await sample(key(11), target, { ...options, chainMethod: 'workers', progress: (p) => progress.push(p) });
    const sequential = await sample(key(11), target, { ...options, chainMethod: 'sequential' });
    expect(workers.draws.mu!.shape).toEqual([2, 30]);
    for (const name of ['mu', 'tau']) expect(Array.from(workers.draws[name]!.values)).toEqual(Array.from(sequential.draws[name]!.values));
    expect(Array.from(workers.stats.energy)).toEqual(Array.from(sequential.stats.energy));
    expect(workers.gradientEvaluations).toBe(sequential.gradientEvaluations);
    expect(new Set(progress.map((p) => p.chain))).toEqual(new Set([0, 1]));
    expect(progress.filter((p) => p.chain === 0 && p.phase === 'sampling').at(-1)?.iteration).toBe(30);
  }, 60_000);

  it('an abort stops every worker with a checkpoint that resumes to the same draws', async () => {
    // Long enough that no worker finishes before the abort message reaches it.
    const long: SampleOptions = { ...options, numSamples: 100 };
    const straight = await sample(key(12), target, { ...long, chainMethod: 'sequential' });
    const controller = new AbortController();
    const err = (await sample(key(12), target, {
      ...long,
      chainMethod: 'workers',
      progressEvery: 1,
      signal: controller.signal,
      progress: (p) => {
        if (p.phase === 'sampling' && p.iteration === 3) controller.abort();
      },
    }).catch((e: unknown) => e)) as SampleAbortError;
    expect(err).toBeInstanceOf(SampleAbortError);
    expect(err.checkpoint.groups.every((g) => g !== null)).toBe(true);
    // Worker and sequential runs share their per-chain groups: resume this one without workers.
    const resumed = await sample(key(12), target, { ...long, chainMethod: 'sequential', resumeFrom: JSON.parse(JSON.stringify(err.checkpoint)) as typeof err.checkpoint });
    expect(Array.from(resumed.draws.mu!.values)).toEqual(Array.from(straight.draws.mu!.values));
  }, 60_000);

  it('errors in a worker reject the run', async () => {
    await expect(sample(key(0), { ...target, exportName: 'missing' }, { ...options, chainMethod: 'workers' })).rejects.toThrow(/missing/);
  });
});
