import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { foldIn, key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { sample, SampleAbortError, type Progress, type SampleOptions } from '../../src/run/index.js';
import * as targets from './fixtures/normal-model.js';

// The worker loads this module itself (functions cannot be sent to a worker). Under the tests the
// package runs from its TypeScript sources, so the runner registers tsx in each worker first.
const target = { module: new URL('./fixtures/normal-model.ts', import.meta.url), exportName: 'normalTarget' };
const options: SampleOptions = { kernel: 'hmc', numIntegrationSteps: 3, numWarmup: 30, numSamples: 30, numChains: 2 };

/** What a run aborted at its third sampling iteration rejects with. */
async function abortedAtSamplingIteration3(seed: number, o: SampleOptions): Promise<SampleAbortError> {
  const controller = new AbortController();
  const progress = (p: Progress) => {
    if (p.phase === 'sampling' && p.iteration === 3) controller.abort();
  };
  return (await sample(key(seed), target, { ...o, progressEvery: 1, signal: controller.signal, progress }).catch((e: unknown) => e)) as SampleAbortError;
}

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
    const err = await abortedAtSamplingIteration3(12, { ...long, chainMethod: 'workers' });
    expect(err).toBeInstanceOf(SampleAbortError);
    expect(err.checkpoint.groups.every((g) => g !== null)).toBe(true);
    // Worker and sequential runs share their per-chain groups: resume this one without workers.
    const resumed = await sample(key(12), target, { ...long, chainMethod: 'sequential', resumeFrom: JSON.parse(JSON.stringify(err.checkpoint)) as typeof err.checkpoint });
    expect(Array.from(resumed.draws.mu!.values)).toEqual(Array.from(straight.draws.mu!.values));
  }, 60_000);

  it("frees what a module's factory made once the run is over (here in the calling thread)", async () => {
    const before = tf.memory().numTensors;
    await sample(key(3), target, { ...options, chainMethod: 'sequential' });
    await sample(key(3), { module: targets, exportName: 'normalTarget' }, { ...options });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('errors in a worker reject the run', async () => {
    await expect(sample(key(0), { ...target, exportName: 'missing' }, { ...options, chainMethod: 'workers' })).rejects.toThrow(/missing/);
  });
});

describe('sample: lockstep blocks in workers (numWorkers)', () => {
  const nuts: SampleOptions = { numWarmup: 30, numSamples: 30, maxTreeDepth: 5 };

  it('runs block b of consecutive chains in a worker, as that block runs in lockstep here from foldIn(key, b)', async () => {
    const progress: Progress[] = [];
    const blocks = await sample(key(21), target, { ...nuts, numChains: 5, numWorkers: 2, progress: (p) => progress.push(p) });
    // 5 chains in 2 blocks: chains 0-2 and 3-4.
    const first = await sample(foldIn(key(21), 0), target, { ...nuts, numChains: 3 });
    const second = await sample(foldIn(key(21), 1), target, { ...nuts, numChains: 2 });
    expect(blocks.draws.mu!.shape).toEqual([5, 30]);
    for (const name of ['mu', 'tau']) {
      expect(Array.from(blocks.draws[name]!.values)).toEqual([...first.draws[name]!.values, ...second.draws[name]!.values]);
    }
    expect(Array.from(blocks.stats.numIntegrationSteps)).toEqual([...first.stats.numIntegrationSteps, ...second.stats.numIntegrationSteps]);
    expect(blocks.gradientEvaluations).toBe(first.gradientEvaluations + second.gradientEvaluations);
    expect(new Set(progress.map((p) => p.chain))).toEqual(new Set([0, 1, 2, 3, 4]));
  }, 60_000);

  it('numWorkers 1 is the one lockstep batch of the calling thread', async () => {
    const one = await sample(key(22), target, { ...nuts, numChains: 3, numWorkers: 1 });
    const plain = await sample(key(22), target, { ...nuts, numChains: 3 });
    expect(Array.from(one.draws.mu!.values)).toEqual(Array.from(plain.draws.mu!.values));
  }, 60_000);

  it('an aborted run resumes from its checkpoint, which keeps numWorkers, to the same draws', async () => {
    const long: SampleOptions = { ...nuts, numSamples: 80, numChains: 4, numWorkers: 2 };
    const straight = await sample(key(23), target, long);
    const err = await abortedAtSamplingIteration3(23, long);
    expect(err).toBeInstanceOf(SampleAbortError);
    expect(err.checkpoint.groups).toHaveLength(2);
    expect(err.checkpoint.options.numWorkers).toBe(2);
    const checkpoint = JSON.parse(JSON.stringify(err.checkpoint)) as typeof err.checkpoint;
    const resumed = await sample(key(23), target, { numChains: 4, resumeFrom: checkpoint });
    expect(Array.from(resumed.draws.mu!.values)).toEqual(Array.from(straight.draws.mu!.values));
    await expect(sample(key(23), target, { numChains: 4, numWorkers: 3, resumeFrom: checkpoint })).rejects.toThrow(/options.numWorkers is 3 but the checkpoint ran with 2/);
  }, 90_000);

  it("caps the workers of chainMethod 'workers' without changing the draws", async () => {
    const capped = await sample(key(11), target, { ...options, chainMethod: 'workers', numWorkers: 1 });
    const sequential = await sample(key(11), target, { ...options, chainMethod: 'sequential' });
    expect(Array.from(capped.draws.mu!.values)).toEqual(Array.from(sequential.draws.mu!.values));
  }, 60_000);

  it('names the option when numWorkers cannot be honoured', async () => {
    const initialPosition = tf.zeros([4, 2]);
    const logDensityFn = (x: tf.Tensor) => tf.mul(-0.5, tf.sum(tf.square(x), -1));
    await expect(sample(key(1), { logDensityFn, initialPosition }, { numWorkers: 2 })).rejects.toThrow(/options.numWorkers > 1 needs a module target/);
    await expect(sample(key(1), target, { numWorkers: 0 })).rejects.toThrow(/numWorkers/);
    await expect(sample(key(1), target, { numWorkers: 1.5 })).rejects.toThrow(/numWorkers/);
    initialPosition.dispose();
  });
});

describe('sample: workers of ones own (createWorker + serveSampling)', () => {
  // The script is TypeScript: register tsx in the worker first, as the package does for its own.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const script = new URL('./fixtures/served-worker.ts', import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(script)});`;
  let started = 0;
  const createWorker = () => {
    started++;
    return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  };

  it('runs lockstep blocks in workers the caller started, with the target given as exports', async () => {
    started = 0;
    const nuts: SampleOptions = { numWarmup: 30, numSamples: 30, maxTreeDepth: 5, numChains: 4 };
    const served = await sample(key(31), { module: targets, exportName: 'normalTarget' }, { ...nuts, numWorkers: 2, createWorker });
    const byUrl = await sample(key(31), target, { ...nuts, numWorkers: 2 });
    expect(started).toBe(2);
    expect(Array.from(served.draws.mu!.values)).toEqual(Array.from(byUrl.draws.mu!.values));
  }, 60_000);

  it("runs chainMethod 'workers' in them too, and reports a target it does not have", async () => {
    const capped = await sample(key(11), { module: targets, exportName: 'normalTarget' }, { ...options, chainMethod: 'workers', numWorkers: 1, createWorker });
    const sequential = await sample(key(11), target, { ...options, chainMethod: 'sequential' });
    expect(Array.from(capped.draws.mu!.values)).toEqual(Array.from(sequential.draws.mu!.values));
    // The main thread resolves the target from the same exports first, so a missing name fails there.
    await expect(sample(key(1), { module: targets, exportName: 'nope' }, { ...options, chainMethod: 'workers', createWorker })).rejects.toThrow(/no export 'nope'/);
  }, 60_000);

  it('names what is missing', async () => {
    await expect(sample(key(1), { module: targets, exportName: 'normalTarget' }, { ...options, chainMethod: 'workers' })).rejects.toThrow(/needs options.createWorker/);
    await expect(sample(key(1), target, { ...options, chainMethod: 'workers', createWorker: 3 as never })).rejects.toThrow(/options.createWorker must be a function/);
  });
});
