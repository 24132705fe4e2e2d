import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { fastestRun, torchThreadCounts } from '../src/pytorch.js';

describe('PyTorch baseline: its best in the same run', () => {
  it('tries 1 thread and every core by default, or the one count asked for', () => {
    expect(parseArgs([]).threads).toBe('best');
    expect(parseArgs(['--threads', '3']).threads).toBe(3);
    expect(() => parseArgs(['--threads', 'many'])).toThrow(/--threads: expected a positive integer or 'best', got 'many'/);
    expect(torchThreadCounts('best', 2)).toEqual([1, 2]);
    expect(torchThreadCounts('best', 1)).toEqual([1]);
    expect(torchThreadCounts(4, 16)).toEqual([4]);
  });

  it('picks the run with the lowest median, skipping failures', () => {
    const one = { ok: true, threads: 1, stats: { median: 4.6 } };
    const two = { ok: true, threads: 2, stats: { median: 12.1 } };
    const failed = { ok: false, threads: 8, error: 'boom' };
    expect(fastestRun([one, two])).toBe(one);
    expect(fastestRun([two, one, failed])).toBe(one);
    expect(fastestRun([failed])).toBe(failed);
    expect(fastestRun([])).toBeNull();
  });
});
