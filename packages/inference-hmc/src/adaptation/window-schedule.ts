/** One window of the warmup schedule: `fast` adapts the step size only, `slow` also collects draws for the metric. */
export interface AdaptationWindow {
  /** `fast`: step size only; `slow`: step size and metric draws. */
  readonly stage: 'fast' | 'slow';
  /** The warmup iteration (0-based, exclusive) at which the window ends. */
  readonly windowEnd: number;
}

/** Options of {@link buildWindowSchedule} (Stan's defaults). */
export interface WindowScheduleOptions {
  /** Initial fast window. Default 75. */
  readonly initialBuffer?: number;
  /** Terminal fast window. Default 50. */
  readonly terminalBuffer?: number;
  /** First slow window. Default 25. */
  readonly baseWindow?: number;
}

/**
 * Stan's warmup schedule (and NumPyro's `build_adaptation_schedule`): an initial fast window of
 * `initialBuffer` iterations, slow windows starting at `baseWindow` iterations and doubling, the
 * last one stretched to end at `numWarmup - terminalBuffer` (a window is doubled only while the one
 * after it would still fit, i.e. 3 × size ≤ what is left), then a terminal fast window. When
 * `initialBuffer + baseWindow + terminalBuffer > numWarmup` the buffers become 15% and 10% of
 * `numWarmup` and the one slow window the remaining 75%. Below 20 iterations there is one fast
 * window (no metric adaptation), as in Stan and NumPyro.
 */
export function buildWindowSchedule(numWarmup: number, options: WindowScheduleOptions = {}): AdaptationWindow[] {
  if (!(Number.isInteger(numWarmup) && numWarmup >= 0)) throw new RangeError(`buildWindowSchedule: numWarmup must be an integer >= 0, got ${numWarmup}`);
  let initial = options.initialBuffer ?? 75;
  let terminal = options.terminalBuffer ?? 50;
  let base = options.baseWindow ?? 25;
  for (const [name, v] of [['initialBuffer', initial], ['terminalBuffer', terminal], ['baseWindow', base]] as const) {
    if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`buildWindowSchedule: ${name} must be an integer >= 0, got ${v}`);
  }
  if (base < 1) throw new RangeError(`buildWindowSchedule: baseWindow must be >= 1, got ${base}`);
  if (numWarmup === 0) return [];
  if (numWarmup < 20) return [{ stage: 'fast', windowEnd: numWarmup }];
  if (initial + base + terminal > numWarmup) {
    initial = Math.floor(0.15 * numWarmup);
    terminal = Math.floor(0.1 * numWarmup);
    base = numWarmup - initial - terminal;
  }
  const schedule: AdaptationWindow[] = [];
  if (initial > 0) schedule.push({ stage: 'fast', windowEnd: initial });
  const slowEnd = numWarmup - terminal;
  let start = initial;
  let size = base;
  while (start < slowEnd) {
    let current = size;
    if (3 * current <= slowEnd - start) size = 2 * current;
    else current = slowEnd - start;
    start += current;
    schedule.push({ stage: 'slow', windowEnd: start });
  }
  if (terminal > 0) schedule.push({ stage: 'fast', windowEnd: numWarmup });
  return schedule;
}
