import { describe, expect, it } from 'vitest';
import { buildWindowSchedule } from '../../src/adaptation/window-schedule.js';

const ends = (n: number, o = {}) => buildWindowSchedule(n, o).map((w) => `${w.stage}:${w.windowEnd}`);

describe('buildWindowSchedule', () => {
  it("matches Stan's schedule for 1000 warmup iterations: 75 | 25, 50, 100, 200, 500 | 50", () => {
    expect(ends(1000)).toEqual(['fast:75', 'slow:100', 'slow:150', 'slow:250', 'slow:450', 'slow:950', 'fast:1000']);
  });

  it("falls back to 15% / 75% / 10% below 150 iterations (Stan, NumPyro's build_adaptation_schedule)", () => {
    // NumPyro for 100: windows (0, 14), (15, 89), (90, 99).
    expect(ends(100)).toEqual(['fast:15', 'slow:90', 'fast:100']);
    expect(ends(149)).toEqual(['fast:22', 'slow:135', 'fast:149']);
    expect(ends(20)).toEqual(['fast:3', 'slow:18', 'fast:20']);
  });

  it('agrees with the NumPyro / BlackJAX doubling rule (3 × size must still fit) at the edges', () => {
    expect(ends(150)).toEqual(['fast:75', 'slow:100', 'fast:150']);
    expect(ends(200)).toEqual(['fast:75', 'slow:100', 'slow:150', 'fast:200']);
    // 500: slow windows 25, 50, 100, then the last 200 is stretched to end at 450.
    expect(ends(500)).toEqual(['fast:75', 'slow:100', 'slow:150', 'slow:250', 'slow:450', 'fast:500']);
    expect(ends(2000)).toEqual(['fast:75', 'slow:100', 'slow:150', 'slow:250', 'slow:450', 'slow:850', 'slow:1950', 'fast:2000']);
    expect(ends(1000, { initialBuffer: 100, terminalBuffer: 100, baseWindow: 50 })).toEqual(['fast:100', 'slow:150', 'slow:250', 'slow:450', 'slow:900', 'fast:1000']);
  });

  it('gives one fast window below 20 iterations and nothing for 0', () => {
    expect(ends(19)).toEqual(['fast:19']);
    expect(ends(0)).toEqual([]);
    expect(() => buildWindowSchedule(-1)).toThrow(/numWarmup/);
  });
});
