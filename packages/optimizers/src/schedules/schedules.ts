import * as tf from '@tensorflow/tfjs-core';
import type { Schedule } from '../types.js';

function checkFinite(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${fn}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

function checkInteger(fn: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new Error(`${fn}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}

/** The count as a float32 scalar (counts are int32 scalars; float counts are accepted too). */
function asFloat(count: tf.Scalar): tf.Scalar {
  return (count.dtype === 'float32' ? count : tf.cast(count, 'float32')) as tf.Scalar;
}

/** A schedule that is `value` at every step (`optax.constant_schedule`). */
export function constantSchedule(value: number): Schedule {
  checkFinite('constantSchedule', 'value', value);
  return () => tf.scalar(value, 'float32');
}

/**
 * Polynomial interpolation from `init` to `end` (`optax.polynomial_schedule`): with
 * `c = clip(count - transitionBegin, 0, transitionSteps)`,
 * `(init - end) * (1 - c / transitionSteps) ** power + end`. Before `transitionBegin` it is `init`,
 * after `transitionBegin + transitionSteps` it is `end`. With `transitionSteps <= 0` it is constant `init`.
 */
export function polynomialSchedule(init: number, end: number, power: number, transitionSteps: number, transitionBegin = 0): Schedule {
  const fn = 'polynomialSchedule';
  checkFinite(fn, 'init', init);
  checkFinite(fn, 'end', end);
  checkFinite(fn, 'power', power);
  checkFinite(fn, 'transitionSteps', transitionSteps);
  checkInteger(fn, 'transitionBegin', transitionBegin, 0);
  if (transitionSteps <= 0) return constantSchedule(init);
  return (count) =>
    tf.tidy(() => {
      const c = tf.clipByValue(tf.sub(asFloat(count), transitionBegin), 0, transitionSteps);
      const frac = tf.sub(1, tf.div(c, transitionSteps));
      return tf.add(tf.mul(init - end, tf.pow(frac, power)), end) as tf.Scalar;
    });
}

/** Linear interpolation from `init` to `end` over `transitionSteps` steps starting at `transitionBegin` (`optax.linear_schedule`). */
export function linearSchedule(init: number, end: number, transitionSteps: number, transitionBegin = 0): Schedule {
  return polynomialSchedule(init, end, 1, transitionSteps, transitionBegin);
}

/** Options of {@link exponentialDecay}. */
export interface ExponentialDecayOptions {
  /** Steps before the decay starts (the value is `init` until then). Default 0. */
  transitionBegin?: number;
  /** Decay in whole steps of `transitionSteps` (`floor` of the exponent). Default false. */
  staircase?: boolean;
  /** A bound the value never passes: a lower bound when `decayRate < 1`, an upper bound otherwise. */
  endValue?: number;
}

/**
 * `init * decayRate ** ((count - transitionBegin) / transitionSteps)` (`optax.exponential_decay`),
 * `init` while `count <= transitionBegin`, the exponent floored with `staircase`, and bounded by
 * `endValue` when given. With `transitionSteps <= 0` or `decayRate == 0` it is constant `init`
 * (as in Optax).
 */
export function exponentialDecay(init: number, transitionSteps: number, decayRate: number, options: ExponentialDecayOptions = {}): Schedule {
  const fn = 'exponentialDecay';
  checkFinite(fn, 'init', init);
  checkFinite(fn, 'transitionSteps', transitionSteps);
  checkFinite(fn, 'decayRate', decayRate);
  if (decayRate < 0) throw new Error(`${fn}: decayRate must be >= 0, got ${decayRate}`);
  const transitionBegin = checkInteger(fn, 'options.transitionBegin', options.transitionBegin ?? 0, 0);
  const staircase = options.staircase ?? false;
  const endValue = options.endValue;
  if (endValue !== undefined) checkFinite(fn, 'options.endValue', endValue);
  if (transitionSteps <= 0 || decayRate === 0) return constantSchedule(init);
  return (count) =>
    tf.tidy(() => {
      const c = tf.sub(asFloat(count), transitionBegin);
      let p = tf.div(c, transitionSteps);
      if (staircase) p = tf.floor(p);
      let v: tf.Tensor = tf.where(tf.lessEqual(c, 0), tf.scalar(init), tf.mul(init, tf.pow(tf.scalar(decayRate), p)));
      if (endValue !== undefined) v = decayRate < 1 ? tf.maximum(v, endValue) : tf.minimum(v, endValue);
      return v as tf.Scalar;
    });
}

/**
 * Cosine decay (`optax.cosine_decay_schedule`): with `c = min(count, decaySteps)`,
 * `init * ((1 - alpha) * (0.5 * (1 + cos(pi * c / decaySteps))) ** exponent + alpha)`.
 * It ends at `init * alpha` and stays there.
 */
export function cosineDecaySchedule(init: number, decaySteps: number, alpha = 0, exponent = 1): Schedule {
  const fn = 'cosineDecaySchedule';
  checkFinite(fn, 'init', init);
  checkFinite(fn, 'decaySteps', decaySteps);
  if (decaySteps <= 0) throw new Error(`${fn}: decaySteps must be positive, got ${decaySteps}`);
  checkFinite(fn, 'alpha', alpha);
  checkFinite(fn, 'exponent', exponent);
  return (count) =>
    tf.tidy(() => {
      const c = tf.minimum(asFloat(count), decaySteps);
      const cos = tf.mul(0.5, tf.add(1, tf.cos(tf.mul(Math.PI / decaySteps, c))));
      return tf.mul(init, tf.add(tf.mul(1 - alpha, tf.pow(cos, exponent)), alpha)) as tf.Scalar;
    });
}

/**
 * Linear warmup from `init` to `peak` over `warmupSteps`, then cosine decay to `end` at step
 * `decaySteps` (which counts the warmup, as in `optax.warmup_cosine_decay_schedule`).
 */
export function warmupCosineDecaySchedule(init: number, peak: number, warmupSteps: number, decaySteps: number, end = 0, exponent = 1): Schedule {
  const fn = 'warmupCosineDecaySchedule';
  checkFinite(fn, 'init', init);
  checkFinite(fn, 'peak', peak);
  checkFinite(fn, 'end', end);
  checkInteger(fn, 'warmupSteps', warmupSteps, 0);
  checkInteger(fn, 'decaySteps', decaySteps, 1);
  if (decaySteps <= warmupSteps) throw new Error(`${fn}: decaySteps (${decaySteps}) must exceed warmupSteps (${warmupSteps})`);
  const alpha = peak === 0 ? 0 : end / peak;
  return joinSchedules([linearSchedule(init, peak, warmupSteps), cosineDecaySchedule(peak, decaySteps - warmupSteps, alpha, exponent)], [warmupSteps]);
}

/**
 * `init` scaled by every `scale` whose boundary the count has reached (`optax.piecewise_constant_schedule`):
 * `{ 100: 0.1, 200: 0.5 }` multiplies by 0.1 from step 100 and by a further 0.5 from step 200.
 * Scales must be non-negative (as in Optax).
 */
export function piecewiseConstantSchedule(init: number, boundariesAndScales: Readonly<Record<number, number>> = {}): Schedule {
  const fn = 'piecewiseConstantSchedule';
  checkFinite(fn, 'init', init);
  const entries = Object.entries(boundariesAndScales).map(([b, s]) => {
    const boundary = Number(b);
    if (!Number.isInteger(boundary)) throw new Error(`${fn}: boundary ${b} must be an integer step`);
    checkFinite(fn, `scale at boundary ${b}`, s);
    if (s < 0) throw new Error(`${fn}: scale at boundary ${b} must be non-negative, got ${s}`);
    return [boundary, s] as const;
  });
  entries.sort((a, b) => a[0] - b[0]);
  return (count) =>
    tf.tidy(() => {
      const c = asFloat(count);
      let v: tf.Tensor = tf.scalar(init);
      for (const [boundary, scale] of entries) v = tf.where(tf.less(c, boundary), v, tf.mul(v, scale));
      return v as tf.Scalar;
    });
}

/**
 * Joins schedules (`optax.join_schedules`): `schedules[0]` before `boundaries[0]`, then
 * `schedules[i]` evaluated at `count - boundaries[i - 1]` from `boundaries[i - 1]` on.
 */
export function joinSchedules(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  const fn = 'joinSchedules';
  if (!Array.isArray(schedules) || schedules.length === 0) throw new Error(`${fn}: schedules must be a non-empty array`);
  schedules.forEach((s, i) => {
    if (typeof s !== 'function') throw new Error(`${fn}: schedules[${i}] is not a function`);
  });
  if (!Array.isArray(boundaries) || boundaries.length !== schedules.length - 1) {
    throw new Error(`${fn}: expected ${schedules.length - 1} boundaries for ${schedules.length} schedules, got ${Array.isArray(boundaries) ? boundaries.length : String(boundaries)}`);
  }
  boundaries.forEach((b, i) => {
    checkInteger(fn, `boundaries[${i}]`, b, 0);
    if (i > 0 && b < boundaries[i - 1]!) throw new Error(`${fn}: boundaries must be non-decreasing, got ${boundaries.join(', ')}`);
  });
  return (count) =>
    tf.tidy(() => {
      let out = tf.cast(schedules[0]!(count), 'float32');
      boundaries.forEach((b, i) => {
        const shifted = tf.sub(count, tf.scalar(b, count.dtype)) as tf.Scalar;
        out = tf.where(tf.less(count, tf.scalar(b, count.dtype)), out, tf.cast(schedules[i + 1]!(shifted), 'float32'));
      });
      return out as tf.Scalar;
    });
}

/**
 * `first` before step `switchStep` and `second` from it on: the two-phase learning rate of the
 * cluster-mass tutorial (1e-3 then 1e-4).
 */
export function twoPhaseSchedule(first = 1e-3, second = 1e-4, switchStep = 0): Schedule {
  const fn = 'twoPhaseSchedule';
  checkFinite(fn, 'first', first);
  checkFinite(fn, 'second', second);
  checkInteger(fn, 'switchStep', switchStep, 0);
  return (count) => tf.tidy(() => tf.where(tf.less(asFloat(count), switchStep), tf.scalar(first), tf.scalar(second)) as tf.Scalar);
}

/**
 * The values of `schedule` at the given steps, read back to the host (for plots and tests).
 * Runs the schedule on int32 counts, as an optimizer does; leaves no tensor behind.
 */
export async function scheduleValues(schedule: Schedule, steps: readonly number[]): Promise<number[]> {
  if (typeof schedule !== 'function') throw new Error('scheduleValues: schedule must be a function');
  steps.forEach((s, i) => checkInteger('scheduleValues', `steps[${i}]`, s, -(2 ** 31)));
  if (steps.length === 0) return [];
  const all = tf.tidy(() => tf.stack(steps.map((s) => tf.cast(schedule(tf.scalar(s, 'int32')), 'float32'))));
  try {
    return Array.from(await all.data());
  } finally {
    all.dispose();
  }
}
