import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  cosineDecaySchedule,
  exponentialDecay,
  joinSchedules,
  linearSchedule,
  piecewiseConstantSchedule,
  polynomialSchedule,
  scheduleValues,
  twoPhaseSchedule,
  warmupCosineDecaySchedule,
} from '../../src/schedules/index.js';
import type { Schedule } from '../../src/types.js';

// Host references in float64, written from the formulas of optax/_src/schedule.py.
const clipTo = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);
const polyRef = (init: number, end: number, power: number, steps: number, begin: number) => (c: number) =>
  (init - end) * (1 - clipTo(c - begin, 0, steps) / steps) ** power + end;
const cosineRef = (init: number, decaySteps: number, alpha: number, exponent: number) => (c: number) => {
  const cc = Math.min(c, decaySteps);
  return init * ((1 - alpha) * (0.5 * (1 + Math.cos((Math.PI * cc) / decaySteps))) ** exponent + alpha);
};
const expRef = (init: number, steps: number, rate: number, begin: number, staircase: boolean, end?: number) => (c: number) => {
  const cc = c - begin;
  let p = cc / steps;
  if (staircase) p = Math.floor(p);
  let v = cc <= 0 ? init : init * rate ** p;
  if (end !== undefined) v = rate < 1 ? Math.max(v, end) : Math.min(v, end);
  return v;
};

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

// float32 evaluation of the same formula: relative error a few ulps (~1e-7) times the size of the
// exponents involved (pow via exp/log); rtol 2e-5 leaves room for that, atol for values near 0.
async function expectSchedule(s: Schedule, ref: (c: number) => number, steps: number[], rtol = 2e-5, atol = 1e-7): Promise<void> {
  const got = await scheduleValues(s, steps);
  steps.forEach((c, i) => {
    const want = ref(c);
    const err = Math.abs(got[i]! - want);
    if (err > atol + rtol * Math.abs(want)) throw new Error(`at count ${c}: got ${got[i]}, want ${want}`);
  });
}

describe('schedules match their Optax formulas (float64 reference)', () => {
  const steps = [...range(130), 199, 200, 201, 999, 1000, 1001, 5000];

  it('constantSchedule', async () => {
    await expectSchedule(constantSchedule(0.25), () => 0.25, steps);
  });

  it('linearSchedule and polynomialSchedule, with and without transitionBegin', async () => {
    await expectSchedule(linearSchedule(1e-3, 1e-5, 100), polyRef(1e-3, 1e-5, 1, 100, 0), steps);
    await expectSchedule(linearSchedule(0, 2, 50, 20), polyRef(0, 2, 1, 50, 20), steps);
    await expectSchedule(polynomialSchedule(1, 0.1, 2, 100, 10), polyRef(1, 0.1, 2, 100, 10), steps);
    await expectSchedule(polynomialSchedule(0.5, 0.01, 0.5, 77), polyRef(0.5, 0.01, 0.5, 77, 0), steps);
    // transitionSteps <= 0: constant init, as in Optax.
    await expectSchedule(polynomialSchedule(0.3, 0, 1, 0), () => 0.3, steps);
  });

  it('exponentialDecay: smooth, staircase, begin, end value both ways', async () => {
    await expectSchedule(exponentialDecay(1e-2, 100, 0.5), expRef(1e-2, 100, 0.5, 0, false), steps);
    await expectSchedule(exponentialDecay(1e-2, 30, 0.9, { staircase: true }), expRef(1e-2, 30, 0.9, 0, true), steps);
    await expectSchedule(exponentialDecay(1, 10, 0.8, { transitionBegin: 25, endValue: 0.05 }), expRef(1, 10, 0.8, 25, false, 0.05), steps);
    await expectSchedule(exponentialDecay(1, 100, 1.5, { endValue: 3 }), expRef(1, 100, 1.5, 0, false, 3), steps);
    await expectSchedule(exponentialDecay(0.7, 100, 0), () => 0.7, steps);
  });

  it('cosineDecaySchedule with alpha and exponent', async () => {
    await expectSchedule(cosineDecaySchedule(0.1, 200), cosineRef(0.1, 200, 0, 1), steps, 2e-5, 1e-8);
    await expectSchedule(cosineDecaySchedule(2, 120, 0.1, 2), cosineRef(2, 120, 0.1, 2), steps, 2e-5, 1e-7);
  });

  it('warmupCosineDecaySchedule joins a linear warmup to a cosine decay ending at end', async () => {
    const ref = (c: number): number => (c < 10 ? polyRef(0, 1e-3, 1, 10, 0)(c) : cosineRef(1e-3, 190, 1e-5 / 1e-3, 1)(c - 10));
    await expectSchedule(warmupCosineDecaySchedule(0, 1e-3, 10, 200, 1e-5), ref, steps, 2e-5, 1e-10);
    const vals = await scheduleValues(warmupCosineDecaySchedule(0, 1e-3, 10, 200, 1e-5), [0, 10, 200, 300]);
    expect(vals[0]).toBe(0);
    expect(vals[1]).toBeCloseTo(1e-3, 9);
    expect(vals[2]).toBeCloseTo(1e-5, 9);
    expect(vals[3]).toBeCloseTo(1e-5, 9);
  });

  it('piecewiseConstantSchedule scales from each boundary on (not before)', async () => {
    const ref = (c: number): number => 0.1 * (c >= 50 ? 0.5 : 1) * (c >= 100 ? 0.1 : 1) * (c >= 1000 ? 2 : 1);
    await expectSchedule(piecewiseConstantSchedule(0.1, { 100: 0.1, 50: 0.5, 1000: 2 }), ref, steps);
    await expectSchedule(piecewiseConstantSchedule(0.1), () => 0.1, steps);
  });

  it('joinSchedules shifts the count of each later schedule to its boundary', async () => {
    const s = joinSchedules([constantSchedule(1), linearSchedule(2, 0, 10), constantSchedule(5)], [20, 100]);
    const ref = (c: number): number => (c < 20 ? 1 : c < 100 ? polyRef(2, 0, 1, 10, 0)(c - 20) : 5);
    await expectSchedule(s, ref, steps);
  });

  it('twoPhaseSchedule switches exactly at switchStep', async () => {
    await expectSchedule(twoPhaseSchedule(1e-3, 1e-4, 100), (c) => (c < 100 ? 1e-3 : 1e-4), steps, 1e-7);
    expect(await scheduleValues(twoPhaseSchedule(undefined, undefined, 3), [2, 3])).toEqual([Math.fround(1e-3), Math.fround(1e-4)]);
  });

  it('schedules accept float32 counts too', async () => {
    const v = linearSchedule(1, 0, 10)(tf.scalar(5));
    await expect(v).toBeCloseTensor(0.5);
    v.dispose();
  });
});

describe('schedule validation and leaks', () => {
  it('rejects bad arguments with the argument named', () => {
    expect(() => constantSchedule(NaN)).toThrow(/value/);
    expect(() => linearSchedule(1, 0, 10, -1)).toThrow(/transitionBegin/);
    expect(() => exponentialDecay(1, 10, -0.5)).toThrow(/decayRate/);
    expect(() => cosineDecaySchedule(1, 0)).toThrow(/decaySteps/);
    expect(() => warmupCosineDecaySchedule(0, 1, 10, 10)).toThrow(/decaySteps/);
    expect(() => piecewiseConstantSchedule(1, { 10: -1 })).toThrow(/non-negative/);
    expect(() => joinSchedules([constantSchedule(1)], [3])).toThrow(/boundaries/);
    expect(() => twoPhaseSchedule(1e-3, 1e-4, 1.5)).toThrow(/switchStep/);
  });

  it('leaves no tensor behind', async () => {
    const all: Schedule[] = [
      constantSchedule(1),
      linearSchedule(1, 0, 10),
      polynomialSchedule(1, 0, 2, 10, 3),
      exponentialDecay(1, 10, 0.5, { staircase: true, endValue: 0.1 }),
      cosineDecaySchedule(1, 10, 0.1, 2),
      warmupCosineDecaySchedule(0, 1, 3, 10),
      piecewiseConstantSchedule(1, { 3: 0.5 }),
      joinSchedules([constantSchedule(1), constantSchedule(2)], [4]),
      twoPhaseSchedule(1, 2, 3),
    ];
    const count = tf.scalar(5, 'int32');
    for (const s of all) await expectNoLeaks(() => s(count));
    await expectNoLeaks(() => scheduleValues(all[3]!, [0, 5, 50]));
    count.dispose();
  });
});
