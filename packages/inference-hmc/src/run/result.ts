import * as tf from '@tensorflow/tfjs-core';
import { formatSummary } from '../diagnostics/format-summary.js';
import { summary, type Summary, type SummaryOptions } from '../diagnostics/summary.js';
import type { Draws, SampleStats } from '../diagnostics/types.js';
import { toArviZJson, type ArviZJson, type ArviZJsonOptions } from '../export/arviz-json.js';
import { toCmdStanCsv, type CmdStanCsvOptions } from '../export/cmdstan-csv.js';
import type { ResolvedTarget } from './target.js';
import type { Checkpoint } from './types.js';

/** What {@link sample} returns. */
export interface McmcResult {
  /**
   * Draws by site name in constrained space, `[chains, draws, ...siteShape]` (model targets);
   * `x` `[chains, draws, D]` for a bare log density.
   */
  readonly draws: Draws;
  /** Unconstrained draws: by site (`[chains, draws, ...unconstrainedShape]`) for models, `x` otherwise. */
  readonly unconstrained: Draws;
  /** Per-draw sampler statistics `[chains, draws]`. */
  readonly stats: SampleStats;
  /** R-hat, ESS, MCSE, quantiles and problems of the constrained draws. */
  summary(options?: SummaryOptions): Summary;
  /** The summary as a NumPyro-style text table. */
  formatSummary(options?: SummaryOptions): string;
  /** The keyword arguments of ArviZ's `az.from_dict`. */
  toArviZJson(options?: ArviZJsonOptions): ArviZJson;
  /** One chain as a CmdStan CSV file. */
  toCmdStanCsv(chain: number, options?: CmdStanCsvOptions): string;
  /** The finished run as a checkpoint (resuming from it returns the same result). */
  readonly checkpoint: Checkpoint;
  /** Wall time of warmup and sampling, summed over chains run one after another. */
  readonly elapsed: { readonly warmupMs: number; readonly samplingMs: number };
  /** Gradient evaluations of every chain's transitions, plus one per chain at its start. */
  readonly gradientEvaluations: number;
}

const CHUNK = 4096;

/** Splits flat unconstrained draws `[C, S, D]` into Draws by site (or `x`). */
export function unconstrainedDraws(flat: Float64Array, c: number, s: number, target: ResolvedTarget): Draws {
  const d = target.dim;
  if (!target.sites) return { x: { values: flat, shape: [c, s, d] } };
  const out: Draws = {};
  for (const site of target.sites) {
    const values = new Float64Array(c * s * site.size);
    for (let r = 0; r < c * s; r++) values.set(flat.subarray(r * d + site.offset, r * d + site.offset + site.size), r * site.size);
    out[site.name] = { values, shape: [c, s, ...site.unconstrainedShape] };
  }
  return out;
}

/** Constrained draws by site name through the model's `constrain`, in chunks of rows. */
export async function constrainedDraws(flat: Float64Array, c: number, s: number, target: ResolvedTarget): Promise<Draws> {
  const d = target.dim;
  if (!target.constrain || !target.sites) return { x: { values: flat, shape: [c, s, d] } };
  const rows = c * s;
  const out: Draws = {};
  for (let start = 0; start < rows; start += CHUNK) {
    const n = Math.min(CHUNK, rows - start);
    const position = tf.tensor2d(Float32Array.from(flat.subarray(start * d, (start + n) * d)), [n, d]);
    const values = target.constrain(position);
    position.dispose();
    try {
      for (const [name, t] of Object.entries(values)) {
        const size = t.size / n;
        let site = out[name];
        if (!site) {
          site = { values: new Float64Array(rows * size), shape: [c, s, ...t.shape.slice(1)] };
          out[name] = site;
        }
        site.values.set(await t.data(), start * size);
      }
    } finally {
      tf.dispose(Object.values(values));
    }
  }
  return out;
}

/** Bundles the pieces into a {@link McmcResult}. */
export function makeResult(parts: {
  draws: Draws;
  unconstrained: Draws;
  stats: SampleStats;
  checkpoint: Checkpoint;
  elapsed: { warmupMs: number; samplingMs: number };
  gradientEvaluations: number;
  maxTreeDepth: number;
  numWarmup: number;
}): McmcResult {
  const { draws, stats } = parts;
  return {
    draws,
    unconstrained: parts.unconstrained,
    stats,
    summary: (options) => summary(draws, stats, { maxTreeDepth: parts.maxTreeDepth, ...options }),
    formatSummary: (options) => formatSummary(summary(draws, stats, { maxTreeDepth: parts.maxTreeDepth, ...options })),
    toArviZJson: (options) => toArviZJson(draws, stats, options),
    toCmdStanCsv: (chain, options) => toCmdStanCsv(draws, stats, chain, { numWarmup: parts.numWarmup, maxDepth: parts.maxTreeDepth, ...options }),
    checkpoint: parts.checkpoint,
    elapsed: parts.elapsed,
    gradientEvaluations: parts.gradientEvaluations,
  };
}
