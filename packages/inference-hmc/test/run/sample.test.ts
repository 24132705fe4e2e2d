import * as tf from '@tensorflow/tfjs-core';
import { foldIn, key } from '@probdl/tensor-backend';
import { logDensity } from '@probdl/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sample, SampleAbortError, type Checkpoint, type McmcResult, type Progress, type SampleOptions } from '../../src/run/index.js';
import { analyticPosterior, normalModel, Y } from './fixtures/normal-model.js';

let y: tf.Tensor;
beforeAll(() => {
  y = tf.tensor1d(Y);
});
afterAll(() => y.dispose());
const target = () => ({ model: normalModel, args: [y] });

/** Small, fast settings: static HMC with 3 leapfrog steps and window adaptation. */
const fast: SampleOptions = { kernel: 'hmc', numIntegrationSteps: 3, numWarmup: 30, numSamples: 30, numChains: 2 };

/** Mean and sd of one scalar site over all chains and draws. */
function moments(r: McmcResult, site: string): { mean: number; sd: number } {
  const v = r.draws[site]!.values;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  return { mean, sd };
}

/**
 * Mean within 4 MCSE (the summary's, from bulk ESS) and sd within 4 of its standard error
 * sd·√(1/(2 ESS)) (normal approximation, generous for the half-normal's skew): a false failure
 * has probability below 1e-4 per check.
 */
function expectPosterior(r: McmcResult, site: string, truth: { mean: number; sd: number }): void {
  const row = r.summary().rows.find((x) => x.name === site)!;
  const { mean, sd } = moments(r, site);
  expect(Math.abs(mean - truth.mean)).toBeLessThan(4 * row.mcseMean);
  expect(Math.abs(sd - truth.sd)).toBeLessThan(4 * truth.sd * Math.sqrt(1 / (2 * row.essBulk)) + 0.02 * truth.sd);
}

function runUntil(phase: 'warmup' | 'sampling', iteration: number, extra: SampleOptions = {}): Promise<Checkpoint> {
  const controller = new AbortController();
  return sample(key(7), target(), {
    ...fast,
    ...extra,
    progressEvery: 1,
    signal: controller.signal,
    progress: (p) => {
      if (p.phase === phase && p.iteration === iteration) controller.abort();
    },
  }).then(
    () => {
      throw new Error('expected an abort');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(SampleAbortError);
      expect((e as Error).name).toBe('AbortError');
      // Checkpoints are JSON: round-trip them as a user would store them.
      return JSON.parse(JSON.stringify((e as SampleAbortError).checkpoint)) as Checkpoint;
    },
  );
}

function expectSameRun(a: McmcResult, b: McmcResult): void {
  for (const name of Object.keys(a.draws)) expect(Array.from(b.draws[name]!.values)).toEqual(Array.from(a.draws[name]!.values));
  expect(Array.from(b.stats.acceptanceRate)).toEqual(Array.from(a.stats.acceptanceRate));
  expect(Array.from(b.stats.energy)).toEqual(Array.from(a.stats.energy));
  expect(Array.from(b.stats.stepSize)).toEqual(Array.from(a.stats.stepSize));
  expect(Array.from(b.stats.logDensity!)).toEqual(Array.from(a.stats.logDensity!));
  expect(b.gradientEvaluations).toBe(a.gradientEvaluations);
}

describe('sample: end to end', () => {
  it('NUTS with window adaptation (the defaults) recovers the analytic posterior of a normal model', async () => {
    const r = await sample(key(0), target(), { numWarmup: 75, numSamples: 150, numChains: 4 });
    expect(r.draws.mu!.shape).toEqual([4, 150]);
    expect(r.draws.tau!.shape).toEqual([4, 150]);
    expect(r.unconstrained.tau!.shape).toEqual([4, 150]);
    // tau is constrained (positive); its unconstrained draws are log tau.
    expect(r.draws.tau!.values.every((v) => v > 0)).toBe(true);
    expect(r.unconstrained.tau!.values.some((v) => v < 0)).toBe(true);
    expect(r.draws.tau!.values[0]).toBeCloseTo(Math.exp(r.unconstrained.tau!.values[0]!), 5);
    const truth = analyticPosterior();
    expectPosterior(r, 'mu', truth.mu);
    expectPosterior(r, 'tau', truth.tau);
    expect(r.stats.treeDepth).toBeDefined();
    expect(r.stats.numChains).toBe(4);
    let steps = 0;
    for (const n of r.stats.numIntegrationSteps) steps += n;
    expect(r.gradientEvaluations).toBeGreaterThan(steps);
    expect(r.elapsed.warmupMs).toBeGreaterThan(0);
    expect(r.elapsed.samplingMs).toBeGreaterThan(0);
    expect(r.formatSummary()).toContain('mu');
    expect(r.toArviZJson().posterior.mu).toHaveLength(4);
    expect(r.toCmdStanCsv(0)).toContain('lp__');
  }, 60_000);

  it('sequential chains recover the posterior too', async () => {
    const r = await sample(key(1), target(), { kernel: 'hmc', numIntegrationSteps: 4, numWarmup: 75, numSamples: 150, numChains: 2, chainMethod: 'sequential' });
    expectPosterior(r, 'mu', analyticPosterior().mu);
  }, 60_000);

  it('sequential chain c is the one-chain run of foldIn(key, c)', async () => {
    const r = await sample(key(1), target(), { ...fast, chainMethod: 'sequential' });
    const one = await sample(foldIn(key(1), 1), target(), { ...fast, numChains: 1 });
    expect(Array.from(r.draws.mu!.values.subarray(30))).toEqual(Array.from(one.draws.mu!.values));
  });

  it('a log density target gives x [C, S, D]', async () => {
    const fn = (p: tf.Tensor) => tf.mul(-0.5, tf.sum(tf.square(p), -1));
    const init = tf.zeros([3, 2]);
    const r = await sample(key(2), { logDensityFn: fn, initialPosition: init }, { ...fast, numChains: undefined });
    init.dispose();
    expect(Object.keys(r.draws)).toEqual(['x']);
    expect(r.draws.x!.shape).toEqual([3, 30, 2]);
  });
});

describe('sample: checkpoints and cancellation', () => {
  it('rejects with an AbortError at the next iteration, with a checkpoint there', async () => {
    const cp = await runUntil('warmup', 12);
    const g = cp.groups[0]!;
    expect(g.phase).toBe('warmup');
    expect(g.iteration).toBe(12);
    expect(g.positions).toHaveLength(2 * 2);
    expect(cp.options.numSamples).toBe(30);
  });

  it.each([
    ['warmup', 15],
    ['warmup', 30],
    ['sampling', 10],
  ] as const)('a run resumed from %s iteration %i equals the uninterrupted run bit for bit', async (phase, iteration) => {
    const straight = await sample(key(7), target(), fast);
    const cp = await runUntil(phase, iteration);
    const resumed = await sample(key(7), target(), { ...fast, resumeFrom: cp });
    expectSameRun(straight, resumed);
  });

  it('onCheckpoint receives checkpoints that resume to the same run', async () => {
    const seen: Checkpoint[] = [];
    const straight = await sample(key(7), target(), {
      ...fast,
      checkpointEvery: 20,
      onCheckpoint: (c) => {
        seen.push(JSON.parse(JSON.stringify(c)) as Checkpoint);
      },
    });
    expect(seen.map((c) => [c.groups[0]!.phase, c.groups[0]!.iteration])).toEqual([
      ['warmup', 20],
      ['sampling', 10],
      ['done', 0],
    ]);
    const resumed = await sample(key(7), target(), { ...fast, resumeFrom: seen[1]! });
    expectSameRun(straight, resumed);
    // A finished run's checkpoint gives the same result again.
    expectSameRun(straight, await sample(key(7), target(), { ...fast, resumeFrom: straight.checkpoint }));
  });

  it('resuming checks the key and the options', async () => {
    const cp = await runUntil('sampling', 5);
    await expect(sample(key(8), target(), { ...fast, resumeFrom: cp })).rejects.toThrow(/another key/);
    await expect(sample(key(7), target(), { ...fast, numSamples: 40, resumeFrom: cp })).rejects.toThrow(/numSamples/);
  });

  it('sequential runs resume per chain', async () => {
    const options: SampleOptions = { ...fast, chainMethod: 'sequential' };
    const straight = await sample(key(3), target(), options);
    const controller = new AbortController();
    const err = (await sample(key(3), target(), {
      ...options,
      signal: controller.signal,
      progressEvery: 1,
      progress: (p) => {
        if (p.chain === 1 && p.phase === 'warmup' && p.iteration === 5) controller.abort();
      },
    }).catch((e: unknown) => e)) as SampleAbortError;
    expect(err).toBeInstanceOf(SampleAbortError);
    expect(err.checkpoint.groups.map((g) => g?.phase)).toEqual(['done', 'warmup']);
    expectSameRun(straight, await sample(key(3), target(), { ...options, resumeFrom: err.checkpoint }));
  });
});

describe('sample: progress, thinning, memory', () => {
  it('reports progress per chain with running statistics', async () => {
    const seen: Progress[] = [];
    await sample(key(4), target(), { ...fast, kernel: 'nuts', numWarmup: 20, numSamples: 20, progress: (p) => seen.push(p) });
    // Default: every min(100, ceil(10%)) = 2 iterations, per chain and phase.
    expect(seen).toHaveLength(2 * 2 * 10);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ chain: 1, phase: 'sampling', iteration: 20, total: 20 });
    expect(last.treeDepth).toBeGreaterThanOrEqual(1);
    for (const p of seen) {
      expect(p.acceptanceRate).toBeGreaterThanOrEqual(0);
      expect(p.acceptanceRate).toBeLessThanOrEqual(1);
      expect(p.stepSize).toBeGreaterThan(0);
      expect(p.treeDepth).toBeGreaterThanOrEqual(0);
      expect(p.divergences).toBeGreaterThanOrEqual(0);
      expect(p.drawsPerSecond).toBeGreaterThan(0);
    }
    expect(seen.filter((p) => p.phase === 'warmup').map((p) => p.iteration).slice(0, 4)).toEqual([2, 2, 4, 4]);
  });

  it('thinning keeps every k-th iteration of the same chain', async () => {
    const full = await sample(key(5), target(), fast);
    const thin = await sample(key(5), target(), { ...fast, thinning: 3 });
    expect(thin.draws.mu!.shape).toEqual([2, 10]);
    const expected: number[] = [];
    for (let c = 0; c < 2; c++) for (let s = 2; s < 30; s += 3) expected.push(full.draws.mu!.values[c * 30 + s]!);
    expect(Array.from(thin.draws.mu!.values)).toEqual(expected);
  });

  it('keeps the tensor count flat over a few hundred iterations and frees everything', async () => {
    const before = tf.memory().numTensors;
    const counts: Record<string, number[]> = { warmup: [], sampling: [] };
    const r = await sample(key(6), target(), {
      ...fast,
      numWarmup: 150,
      numSamples: 150,
      progressEvery: 1,
      progress: (p) => {
        if (p.chain === 0) counts[p.phase]!.push(tf.memory().numTensors);
      },
    });
    expect(r.draws.mu!.shape).toEqual([2, 150]);
    // Flat within each phase (sampling holds one more tensor: the adapted inverse mass matrix).
    expect(new Set(counts.warmup!.slice(0, -1)).size).toBe(1);
    expect(new Set(counts.sampling).size).toBe(1);
    expect(counts.sampling![0]).toBe(counts.warmup![0]! + 1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('model targets given as a LogDensityModel work and are not disposed', async () => {
    const m = logDensity(normalModel, [y]);
    const r = await sample(key(9), m, fast);
    expect(r.draws.mu!.shape).toEqual([2, 30]);
    expect(m.dim).toBe(2);
    m.logDensityFn(tf.zeros([1, 2])).dispose();
    m.dispose();
  });
});

describe('sample: bad options', () => {
  it.each([
    [{ numSamples: 0 }, /options\.numSamples/],
    [{ numWarmup: -1 }, /options\.numWarmup/],
    [{ numChains: 1.5 }, /options\.numChains/],
    [{ thinning: 0 }, /options\.thinning/],
    [{ thinning: 40 }, /options\.thinning/],
    [{ kernel: 'slice' }, /options\.kernel/],
    [{ adaptation: 'stan' }, /options\.adaptation/],
    [{ metric: 'full' }, /options\.metric/],
    [{ chainMethod: 'parallel' }, /options\.chainMethod/],
    [{ targetAcceptance: 1.2 }, /options\.targetAcceptance/],
    [{ stepSize: -1 }, /options\.stepSize/],
    [{ inverseMassMatrix: [1, -1] }, /options\.inverseMassMatrix/],
    [{ progress: 3 }, /options\.progress/],
    [{ signal: {} }, /options\.signal/],
    [{ checkpointEvery: 5 }, /options\.checkpointEvery/],
    [{ numSamle: 10 }, /numSamle/],
    [{ adaptation: 'chees', kernel: 'nuts' }, /options\.kernel/],
    [{ stepSize: [0.1] }, /options\.stepSize/],
    [{ inverseMassMatrix: [1, 1, 1] }, /options\.inverseMassMatrix/],
    [{ chainMethod: 'workers' }, /module target/],
  ])('%j is an error naming the option', async (bad, message) => {
    await expect(sample(key(0), target(), { ...fast, ...(bad as SampleOptions) })).rejects.toThrow(message);
  });

  it('a bad target says what a target may be', async () => {
    await expect(sample(key(0), {} as never, fast)).rejects.toThrow(/target must be/);
    await expect(sample(key(0), { model: 3, args: [] } as never, fast)).rejects.toThrow(/target\.model/);
  });
});

describe('sample: ChEES', () => {
  it('adapts jittered HMC with ChEES and recovers the posterior', async () => {
    const r = await sample(key(10), target(), { adaptation: 'chees', numWarmup: 100, numSamples: 100, numChains: 8 });
    const lengths = new Set(r.stats.numIntegrationSteps);
    expect(lengths.size).toBeGreaterThan(1);
    expectPosterior(r, 'mu', analyticPosterior().mu);
  }, 60_000);
});
