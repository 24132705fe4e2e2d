import { describe, expect, it } from 'vitest';
import { PhaseTimer } from '../src/timing.js';

describe('PhaseTimer', () => {
  it('records each phase in order, also one that throws, and prints a table with a total', async () => {
    const timer = new PhaseTimer();
    expect(await timer.time('load', () => 7)).toBe(7);
    await expect(timer.time('train', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(timer.phases.map((p) => p.phase)).toEqual(['load', 'train']);
    expect(timer.phases.every((p) => p.seconds >= 0)).toBe(true);
    expect(timer.total).toBeCloseTo(timer.phases[0]!.seconds + timer.phases[1]!.seconds, 12);
    const lines = timer.table().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^phase\s+seconds\s+share$/);
    expect(lines[1]).toMatch(/^load\s+\d+\.\d\s+\d+\.\d%$/);
    expect(lines[3]).toMatch(/^total\s+\d+\.\d\s+100%$/);
  });

  it('an empty timer prints a zero total', () => {
    expect(new PhaseTimer().table()).toBe(`phase   seconds   share\ntotal       0.0    100%`);
  });
});
