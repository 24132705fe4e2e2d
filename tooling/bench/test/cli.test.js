/**
 * Smoke test of the whole harness: the CLI runs tensor-backend's dispatch cases on the cpu backend
 * (scoped with --package: other packages' benchmarks import built dists this test does not build)
 * in a child process and writes the JSON. It checks the JSON's fields, never its timings.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.js');
const dir = mkdtempSync(join(os.tmpdir(), 'probdl-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 170_000 });
  if (r.status !== 0) throw new Error(`probdl-bench exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

describe('probdl-bench --quick --backends cpu --filter dispatch', () => {
  const out = join(dir, 'run.json');
  let r;
  let data;
  beforeAll(() => {
    // A python that does not exist: the table must then say how to get PyTorch, and the run still pass.
    r = cli(['--quick', '--backends', 'cpu', '--package', 'tensor-backend', '--filter', 'dispatch', '--out', out, '--python', join(dir, 'no-python')]);
    data = JSON.parse(readFileSync(out, 'utf8'));
  }, 180_000); // the child process runs a benchmark: seconds on an idle machine, more on a loaded one

  it('describes the run and the machine', () => {
    expect(data.schema).toBe('probdl-bench/1');
    expect(Date.parse(data.createdAt)).not.toBeNaN();
    expect(data.options).toMatchObject({ backends: ['cpu'], filter: 'dispatch', quick: true, baseline: 'cpu', threads: 'best' });
    expect(data.machine.cores).toBeGreaterThan(0);
    expect(typeof data.machine.cpuModel).toBe('string');
    expect(data.machine.node).toBe(process.version);
  });

  it('describes the backend', () => {
    expect(data.backends).toHaveLength(1);
    expect(data.backends[0]).toMatchObject({ name: 'cpu', ok: true, software: false, threads: 1 });
    expect(data.backends[0].tfjs).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('times only the dispatch cases, per op, without leaks', () => {
    expect(data.cases.length).toBeGreaterThan(0);
    for (const c of data.cases) {
      expect(c.id).toMatch(/^tensor-backend\/dispatch\//);
      expect(c.file).toBe('packages/tensor-backend/bench/dispatch.bench.ts');
      expect(typeof c.sync).toBe('string');
      const res = c.results.cpu;
      expect(res.ok, res.error).toBe(true);
      // Per-backend params: what the case recorded on this backend (here the same static params).
      expect(res.params).toEqual(c.params);
      for (const k of ['median', 'mean', 'min', 'max', 'q1', 'q3', 'iqrPct']) expect(Number.isFinite(res.stats[k])).toBe(true);
      expect(res.stats.runs).toBe(3);
      expect(res.stats.min).toBeLessThanOrEqual(res.stats.median);
      expect(res.stats.median).toBeLessThanOrEqual(res.stats.max);
      expect(res.samplesMs).toHaveLength(3);
      expect(res.leakedTensors).toBe(0);
      expect(res.tensorsAddedByRuns).toBe(0);
      expect(c.ratios.vsBaseline.cpu).toBe(1);
    }
    const add = data.cases.find((c) => c.name.startsWith('add f32'));
    expect(add.itemsPerRun).toBeGreaterThan(1);
    expect(add.unit).toBe('op');
  });

  it('says that PyTorch was not found and how to get it', () => {
    expect(data.pytorch.found).toBe(false);
    expect(data.pytorch.install).toMatch(/apt-get install python3-torch/);
    expect(r.stdout).toMatch(/PyTorch: not found/);
    expect(r.stdout).toMatch(/apt-get install python3-torch/);
    for (const c of data.cases) expect(c.pytorch).toBeNull();
  });

  it('prints the table and compares with an earlier run', () => {
    expect(r.stdout).toMatch(/tensor-backend\/dispatch\/add/);
    const again = cli(['--quick', '--backends', 'cpu', '--package', 'tensor-backend', '--filter', 'dispatch/add f32', '--no-pytorch', '--out', join(dir, 'again.json'), '--compare', out]);
    expect(again.stdout).toMatch(/Compared with .*run\.json/);
    expect(again.stdout).toMatch(/new\/old/);
  });
});
