import { hostLogDensityAndGrad } from '../../internal/host-gradient.js';
import { traceOf } from '../../internal/traced-log-density.js';
import type { LogDensityFn } from '../../types.js';

/** A chain the scheduler drives (see `ChainNuts`). */
export interface ScheduledChain {
  /** The position at which the pending gradient is wanted. */
  readonly q: Float64Array;
  /** Where the gradient is written. */
  readonly g: Float64Array;
  /** Runs until the next gradient request (true) or the end of the chain's current work (false). */
  resume(logDensity: number): boolean;
}

/** How {@link runChains} evaluates gradients and moves on. */
export interface SchedulerOptions {
  readonly logDensityFn: LogDensityFn;
  readonly dim: number;
  /**
   * Rows independent: evaluate only the chains that asked, as a smaller batch. Otherwise every
   * chain is a row of every evaluation (chains that did not ask are evaluated at `restRows`).
   */
  readonly independentRows: boolean;
  /** `[C, D]` positions for the rows of chains that did not ask (used when rows are not independent). */
  readonly restRows: Float32Array;
  /** Chain c finished its current work: true when it was given more (then it is resumed at once). */
  onDone(chain: number): boolean;
  /** Checked between evaluations: when it returns true the run stops early. */
  readonly shouldStop?: () => boolean;
  /** Awaited between evaluations (lets timers and UI events run). */
  readonly pause?: () => Promise<void>;
}

/** Resumes chain c until it asks for a gradient (true) or has no more work (false). */
function drive(chains: readonly ScheduledChain[], c: number, logDensity: number, o: SchedulerOptions): boolean {
  let lp = logDensity;
  for (;;) {
    if (chains[c]!.resume(lp)) return true;
    if (!o.onDone(c)) return false;
    lp = 0;
  }
}

/**
 * Rows per batch-size step when a traced log density is replayed: a batch of n independent rows is
 * padded to a multiple of this (at most 16 sizes for C chains), so a run records a handful of
 * programs rather than one for every number of waiting chains. Padding costs a few rows of
 * arithmetic, far less than a recording.
 */
export function paddingStep(numChains: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(1, numChains / 16)));
}

/**
 * Drives every chain to the end of its work, serving all pending gradient requests with one
 * batched log-density evaluation per round. Chains never wait for each other: one that finishes a
 * transition is handed its next (by `onDone`) and goes on, so each evaluation serves every chain
 * that still has work. Returns false when stopped early.
 */
export async function runChains(chains: readonly ScheduledChain[], o: SchedulerOptions): Promise<boolean> {
  const C = chains.length;
  const D = o.dim;
  const waiting = new Uint8Array(C);
  const batch = new Float32Array(C * D);
  const rows = new Int32Array(C);
  const step = o.independentRows && traceOf(o.logDensityFn) !== undefined ? paddingStep(C) : 1;
  for (let c = 0; c < C; c++) waiting[c] = drive(chains, c, 0, o) ? 1 : 0;
  for (;;) {
    let n = 0;
    if (!o.independentRows) batch.set(o.restRows);
    for (let c = 0; c < C; c++) {
      if (!waiting[c]) continue;
      const q = chains[c]!.q;
      const base = (o.independentRows ? n : c) * D;
      for (let j = 0; j < D; j++) batch[base + j] = q[j]!;
      rows[n++] = c;
    }
    if (n === 0) return true;
    if (o.shouldStop?.()) return false;
    let evalRows = o.independentRows ? n : C;
    if (step > 1) {
      // Padding rows repeat the first (a valid position); their results are not read.
      const padded = Math.min(C, Math.ceil(n / step) * step);
      for (let i = n; i < padded; i++) batch.copyWithin(i * D, 0, D);
      evalRows = padded;
    }
    const r = await hostLogDensityAndGrad(o.logDensityFn, batch.subarray(0, evalRows * D), evalRows, D);
    for (let i = 0; i < n; i++) {
      const c = rows[i]!;
      const row = o.independentRows ? i : c;
      const g = chains[c]!.g;
      for (let j = 0; j < D; j++) g[j] = r.grad[row * D + j]!;
      waiting[c] = drive(chains, c, r.logDensity[row]!, o) ? 1 : 0;
    }
    if (o.pause) await o.pause();
  }
}
