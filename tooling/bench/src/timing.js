/** Defaults; --quick replaces them all (a smoke test, not a measurement). */
export const DEFAULT_TIMING = Object.freeze({ warmupRuns: 3, warmupMs: 500, minRuns: 10, minTimeMs: 2000, maxRuns: 10_000, maxTimeMs: 30_000 });
export const QUICK_TIMING = Object.freeze({ warmupRuns: 1, warmupMs: 0, minRuns: 3, minTimeMs: 0, maxRuns: 3, maxTimeMs: 10_000 });

/**
 * The timing a case runs with.
 * @param {Partial<import('./index.js').TimingOptions> | undefined} override
 * @param {boolean} quick
 * @returns {import('./index.js').TimingOptions}
 */
export function effectiveTiming(override, quick) {
  if (quick) return { ...QUICK_TIMING };
  const t = { ...DEFAULT_TIMING, ...(override ?? {}) };
  for (const [k, v] of Object.entries(t)) {
    if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw new Error(`timing.${k} must be a finite number >= 0, got ${String(v)}`);
  }
  if (t.minRuns < 1 || t.maxRuns < 1) throw new Error('timing.minRuns and timing.maxRuns must be at least 1');
  return t;
}

/**
 * Warms `run` up, then times whole runs until both minRuns and minTimeMs are reached (or a cap).
 * Each sample is one awaited call, so the time includes whatever the run awaits (the readback).
 * @param {() => unknown} run
 * @param {import('./index.js').TimingOptions} t
 * @returns {Promise<{ samples: number[], warmupRuns: number, capped: boolean }>}
 */
export async function measure(run, t) {
  const now = () => performance.now();
  let warm = 0;
  const w0 = now();
  while (warm < t.warmupRuns || now() - w0 < t.warmupMs) {
    await run();
    warm += 1;
    if (now() - w0 > t.maxTimeMs) break;
  }
  const samples = [];
  const t0 = now();
  let capped = false;
  while (samples.length < t.minRuns || now() - t0 < t.minTimeMs) {
    const s = now();
    await run();
    samples.push(now() - s);
    if (samples.length >= t.maxRuns) break;
    if (now() - t0 > t.maxTimeMs) {
      capped = samples.length < t.minRuns;
      break;
    }
  }
  return { samples, warmupRuns: warm, capped };
}
