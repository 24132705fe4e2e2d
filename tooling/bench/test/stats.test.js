import { describe, expect, it } from 'vitest';
import { quantile, summarize } from '../src/stats.js';
import { effectiveTiming, measure, QUICK_TIMING } from '../src/timing.js';
import { parseArgs } from '../src/args.js';
import { formatTime } from '../src/format.js';

describe('summarize', () => {
  it('gives numpy-style linear quantiles, per item', () => {
    // numpy.percentile([1, 2, 3, 4, 10], [25, 50, 75]) = [2, 3, 4]; per item: divided by 2.
    const s = summarize([4, 10, 1, 3, 2], 2);
    expect(s).toMatchObject({ median: 1.5, q1: 1, q3: 2, min: 0.5, max: 5, runs: 5, itemsPerRun: 2 });
    expect(s.mean).toBeCloseTo(2, 12);
    expect(s.iqrPct).toBeCloseTo((1 / 1.5) * 100, 10);
  });

  it('interpolates between order statistics', () => {
    // numpy.quantile([0, 10], 0.3) = 3
    expect(quantile([0, 10], 0.3)).toBeCloseTo(3, 12);
    expect(quantile([7], 0.9)).toBe(7);
  });

  it('refuses no samples', () => {
    expect(() => summarize([])).toThrow(/no samples/);
  });
});

describe('measure', () => {
  it('warms up, then stops at maxRuns', async () => {
    let calls = 0;
    const m = await measure(() => {
      calls += 1;
    }, QUICK_TIMING);
    expect(m.warmupRuns).toBe(1);
    expect(m.samples).toHaveLength(3);
    expect(calls).toBe(4);
  });

  it('ignores a case override under --quick and checks it otherwise', () => {
    expect(effectiveTiming({ minRuns: 50 }, true).minRuns).toBe(QUICK_TIMING.minRuns);
    expect(effectiveTiming({ minRuns: 50 }, false).minRuns).toBe(50);
    expect(() => effectiveTiming({ minTimeMs: -1 }, false)).toThrow(/minTimeMs/);
  });
});

describe('parseArgs', () => {
  it('reads the flags and defaults the baseline to cpu', () => {
    const o = parseArgs(['--backends', 'wasm,cpu', '--filter=dispatch', '--quick', '--threads', '2']);
    expect(o).toMatchObject({ backends: ['wasm', 'cpu'], filter: 'dispatch', quick: true, threads: 2, baseline: 'cpu' });
    expect(parseArgs(['--backends', 'wasm']).baseline).toBe('wasm');
  });

  it('names the bad flag', () => {
    expect(() => parseArgs(['--backends', 'tpu'])).toThrow(/unknown backend 'tpu'/);
    expect(() => parseArgs(['--threads', '0'])).toThrow(/--threads/);
    expect(() => parseArgs(['--filter', '('])).toThrow(/--filter/);
    expect(() => parseArgs(['--bogus'])).toThrow(/unknown option '--bogus'/);
  });
});

describe('formatTime', () => {
  it('picks the unit', () => {
    expect(formatTime(0.0000031)).toBe('3.10 ns');
    expect(formatTime(0.00312)).toBe('3.12 µs');
    expect(formatTime(41.66)).toBe('41.7 ms');
    expect(formatTime(1270)).toBe('1.27 s');
  });
});
