import type { SampleStats } from '../diagnostics/types.js';
import type { KernelInfo } from '../types.js';

/** Names of the per-draw statistics a run keeps. */
export const STAT_NAMES = ['acceptanceRate', 'isDivergent', 'energy', 'numIntegrationSteps', 'treeDepth', 'stepSize', 'logDensity'] as const;
type StatName = (typeof STAT_NAMES)[number];

/**
 * Host (float64) storage of the kept draws `[C, S, D]` and statistics `[C, S]` of a group of
 * chains, filled one kept iteration at a time.
 */
export class HostBuffers {
  readonly draws: Float64Array;
  readonly acceptanceRate: Float64Array;
  readonly isDivergent: Uint8Array;
  readonly energy: Float64Array;
  readonly numIntegrationSteps: Int32Array;
  readonly treeDepth: Int32Array;
  readonly stepSize: Float64Array;
  readonly logDensity: Float64Array;
  /** Whether the kernel reported tree depths. */
  hasTreeDepth = false;
  /** Kept draws stored so far (per chain). */
  filled = 0;

  constructor(
    readonly numChains: number,
    readonly numKept: number,
    readonly dim: number,
  ) {
    const n = numChains * numKept;
    this.draws = new Float64Array(n * dim);
    this.acceptanceRate = new Float64Array(n);
    this.isDivergent = new Uint8Array(n);
    this.energy = new Float64Array(n);
    this.numIntegrationSteps = new Int32Array(n);
    this.treeDepth = new Int32Array(n);
    this.stepSize = new Float64Array(n);
    this.logDensity = new Float64Array(n);
  }

  /** Stores kept draw `filled`: `positionAndLogDensity` is `[C, D + 1]` row-major (float32 values). */
  push(positionAndLogDensity: ArrayLike<number>, info: KernelInfo, stepSize: number | ArrayLike<number>): void {
    const { numChains: c, numKept: s, dim: d } = this;
    const t = this.filled;
    if (t >= s) throw new Error('HostBuffers: all draws are stored');
    if (info.treeDepth !== undefined) this.hasTreeDepth = true;
    for (let i = 0; i < c; i++) {
      const row = i * (d + 1);
      const at = i * s + t;
      for (let j = 0; j < d; j++) this.draws[at * d + j] = positionAndLogDensity[row + j]!;
      this.logDensity[at] = positionAndLogDensity[row + d]!;
      this.acceptanceRate[at] = info.acceptanceRate[i]!;
      this.isDivergent[at] = info.isDivergent[i]!;
      this.energy[at] = info.energy[i]!;
      this.numIntegrationSteps[at] = info.numIntegrationSteps[i]!;
      this.treeDepth[at] = info.treeDepth?.[i] ?? 0;
      this.stepSize[at] = typeof stepSize === 'number' ? stepSize : stepSize[i]!;
    }
    this.filled = t + 1;
  }

  /** The draws of chain `c` stored so far, `[filled, D]` row-major. */
  chainDraws(c: number): Float64Array {
    const start = c * this.numKept * this.dim;
    return this.draws.subarray(start, start + this.filled * this.dim);
  }

  /** Statistic `name` of chain `c` stored so far. */
  chainStat(name: StatName, c: number): ArrayLike<number> {
    const start = c * this.numKept;
    return this[name].subarray(start, start + this.filled);
  }

  /** JSON-safe copies of what is stored (for checkpoints). */
  toJson(): { draws: number[][]; stats: Record<string, number[][]> } {
    const draws: number[][] = [];
    const stats: Record<string, number[][]> = {};
    for (let c = 0; c < this.numChains; c++) draws.push(Array.from(this.chainDraws(c), jsonNumber));
    for (const name of STAT_NAMES) {
      if (name === 'treeDepth' && !this.hasTreeDepth) continue;
      stats[name] = [];
      for (let c = 0; c < this.numChains; c++) stats[name].push(Array.from(this.chainStat(name, c), jsonNumber));
    }
    return { draws, stats };
  }

  /** Refills from {@link toJson} output. */
  fromJson(draws: readonly (readonly unknown[])[], stats: Record<string, readonly (readonly unknown[])[]>): void {
    const filled = (draws[0]?.length ?? 0) / this.dim;
    if (!Number.isInteger(filled) || filled > this.numKept || draws.length !== this.numChains) {
      throw new RangeError('sample: options.resumeFrom: the checkpoint draws do not fit the run');
    }
    for (let c = 0; c < this.numChains; c++) this.draws.set((draws[c] ?? []).map(numberFromJson), c * this.numKept * this.dim);
    for (const name of STAT_NAMES) {
      const rows = stats[name];
      if (rows === undefined) continue;
      if (name === 'treeDepth') this.hasTreeDepth = true;
      for (let c = 0; c < this.numChains; c++) this[name].set((rows[c] ?? []).map(numberFromJson), c * this.numKept);
    }
    this.filled = filled;
  }

  /** The statistics in the diagnostics layout `[C, S]`. */
  sampleStats(): SampleStats {
    return {
      numChains: this.numChains,
      numDraws: this.numKept,
      acceptanceRate: this.acceptanceRate,
      isDivergent: this.isDivergent,
      energy: this.energy,
      numIntegrationSteps: this.numIntegrationSteps,
      ...(this.hasTreeDepth ? { treeDepth: this.treeDepth } : {}),
      stepSize: this.stepSize,
      logDensity: this.logDensity,
    };
  }
}

/** A number JSON can carry exactly (non-finite values as strings). */
export function jsonNumber(v: number): number {
  return Number.isFinite(v) ? v : (String(v) as unknown as number);
}

/** The inverse of {@link jsonNumber}. */
export function numberFromJson(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}
