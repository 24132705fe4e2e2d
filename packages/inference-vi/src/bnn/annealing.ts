import type { KlSchedule } from './types.js';

/** Options of {@link linearKlWarmup}. */
export interface LinearKlWarmupOptions {
  /** Steps over which β rises from `start` to `end` (≥ 1). */
  readonly warmupSteps: number;
  /** β at step 0 (default 0). */
  readonly start?: number;
  /** β from step `warmupSteps` on (default 1). */
  readonly end?: number;
}

/**
 * Linear KL warm-up (Bowman et al. 2016; Sønderby et al. 2016): β(t) = start + (end − start)·min(t / warmupSteps, 1),
 * so β(0) = start and β(t) = end for t ≥ warmupSteps.
 */
export function linearKlWarmup(options: LinearKlWarmupOptions): KlSchedule {
  const { warmupSteps, start = 0, end = 1 } = options ?? ({} as LinearKlWarmupOptions);
  checkSteps('linearKlWarmup', 'warmupSteps', warmupSteps);
  checkWeight('linearKlWarmup', 'start', start);
  checkWeight('linearKlWarmup', 'end', end);
  return (step) => start + (end - start) * Math.min(checkStep('linearKlWarmup', step) / warmupSteps, 1);
}

/** Options of {@link cyclicalKlAnnealing}. */
export interface CyclicalKlAnnealingOptions {
  /** Steps per cycle, T (≥ 1). */
  readonly cycleLength: number;
  /** The share R of each cycle spent rising from `start` to `end` (in (0, 1], default 0.5); β stays at `end` for the rest. */
  readonly rampFraction?: number;
  /** Cycles before β stays at `end` for good (default: cycles forever). */
  readonly numCycles?: number;
  /** β at the start of each cycle (default 0). */
  readonly start?: number;
  /** β at the top of each cycle (default 1). */
  readonly end?: number;
}

/**
 * Cyclical KL annealing (Fu et al. 2019): with τ = (t mod T) / T, β(t) = start + (end − start)·min(τ / R, 1),
 * restarting at `start` every T steps; after `numCycles` cycles (when given) β stays at `end`.
 */
export function cyclicalKlAnnealing(options: CyclicalKlAnnealingOptions): KlSchedule {
  const { cycleLength, rampFraction = 0.5, numCycles, start = 0, end = 1 } = options ?? ({} as CyclicalKlAnnealingOptions);
  checkSteps('cyclicalKlAnnealing', 'cycleLength', cycleLength);
  if (typeof rampFraction !== 'number' || !(rampFraction > 0 && rampFraction <= 1)) {
    throw new RangeError(`cyclicalKlAnnealing: rampFraction must be a number in (0, 1], got ${String(rampFraction)}`);
  }
  if (numCycles !== undefined && !(Number.isInteger(numCycles) && numCycles >= 1)) {
    throw new RangeError(`cyclicalKlAnnealing: numCycles must be an integer >= 1 when given, got ${String(numCycles)}`);
  }
  checkWeight('cyclicalKlAnnealing', 'start', start);
  checkWeight('cyclicalKlAnnealing', 'end', end);
  return (step) => {
    const t = checkStep('cyclicalKlAnnealing', step);
    if (numCycles !== undefined && t >= numCycles * cycleLength) return end;
    const tau = (t % cycleLength) / cycleLength;
    return start + (end - start) * Math.min(tau / rampFraction, 1);
  };
}

function checkSteps(fn: string, name: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`${fn}: ${name} must be an integer >= 1, got ${String(v)}`);
}

function checkWeight(fn: string, name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`${fn}: ${name} must be a finite number >= 0, got ${String(v)}`);
}

function checkStep(fn: string, step: number): number {
  if (!(Number.isInteger(step) && step >= 0)) throw new RangeError(`${fn}: the step must be an integer >= 0, got ${String(step)}`);
  return step;
}
