import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs, type StudyOptions } from '../src/args.js';
import { runStudy, type StudyResult } from '../src/study.js';
import { main } from '../src/cli.js';

// 3,000 clusters, 2 epochs of each network, batch 128: a few seconds a run on wasm.
const SMALL = ['--backend', 'wasm', '--rows', '3000', '--epochs', '2', '--batch', '128', '--quiet'];

function options(extra: string[]): StudyOptions {
  const o = parseCliArgs([...SMALL, ...extra]);
  if ('help' in o) throw new Error('unexpected help');
  return o;
}

describe('checkpoints and --resume', () => {
  let straightDir: string;
  let resumedDir: string;
  let straight: StudyResult;
  const runs: StudyResult[] = [];
  let firstCheckpoint: Record<string, unknown>;
  let reportAfterStop: boolean;
  beforeAll(async () => {
    straightDir = await mkdtemp(join(tmpdir(), 'cluster-mass-straight-'));
    resumedDir = await mkdtemp(join(tmpdir(), 'cluster-mass-resumed-'));
    straight = await runStudy(options(['--out', straightDir]));
    // Interrupted after the MSE network's first epoch, then after one more epoch, then to the end.
    runs.push(await runStudy(options(['--out', resumedDir, '--stop-after-epoch', '1'])));
    reportAfterStop = await stat(join(resumedDir, 'index.html')).then(
      () => true,
      () => false,
    );
    firstCheckpoint = JSON.parse(await readFile(join(resumedDir, 'checkpoints', 'mse.json'), 'utf8'));
    runs.push(await runStudy(options(['--out', resumedDir, '--resume', '--stop-after-epoch', '2'])));
    runs.push(await runStudy(options(['--out', resumedDir, '--resume'])));
  }, 150_000);
  afterAll(async () => {
    await rm(straightDir, { recursive: true, force: true });
    await rm(resumedDir, { recursive: true, force: true });
  });

  it('stops after the asked epoch, with a checkpoint and no report', async () => {
    expect(reportAfterStop).toBe(false);
    expect(runs[0]!.status).toBe('stopped');
    expect(runs[0]!.training.mse.epochsRun).toEqual([1]);
    expect(runs[0]!.training.mdn).toBeUndefined();
    expect(firstCheckpoint).toMatchObject({ network: 'mse', epochsDone: 1, rng: { nextEpoch: 1 } });
  });

  it('resumes without redoing finished epochs', () => {
    // Run 2: MSE epoch 2 only, then MDN epoch 1, then the budget of 2 epochs is spent.
    expect(runs[1]!.status).toBe('stopped');
    expect(runs[1]!.training.mse).toMatchObject({ resumedFrom: 1, epochsRun: [2] });
    expect(runs[1]!.training.mdn).toMatchObject({ resumedFrom: 0, epochsRun: [1] });
    // Run 3: the MSE network is finished (nothing to run); the MDN goes on from epoch 2.
    expect(runs[2]!.status).toBe('done');
    expect(runs[2]!.training.mse).toMatchObject({ resumedFrom: 2, epochsRun: [] });
    expect(runs[2]!.training.mdn).toMatchObject({ resumedFrom: 1, epochsRun: [2] });
  });

  it('an interrupted and resumed run equals an uninterrupted one, loss for loss', () => {
    for (const net of ['mse', 'mdn'] as const) {
      const a = straight.training[net]!.history.map((r) => [r.trainLoss, r.testLoss]);
      const b = runs[2]!.training[net]!.history.map((r) => [r.trainLoss, r.testLoss]);
      expect(b).toEqual(a);
    }
    expect(runs[2]!.metrics!.summary).toEqual(straight.metrics!.summary);
  });

  it('refuses a checkpoint written by another configuration, naming the file and the difference', async () => {
    const errors: string[] = [];
    const code = await main([...SMALL, '--out', resumedDir, '--resume', '--seed', '7'], () => {}, (s) => errors.push(s));
    expect(code).toBe(1);
    expect(errors.join('')).toMatch(/checkpoints\/mse\.json was written by a different configuration \(.*seed: checkpoint 0, now 7\)/);
  });
});
