import { mean, variance } from './chains.js';
import { ebfmi } from './ebfmi.js';
import { essBulk, essTail } from './ess.js';
import { mcseMean } from './mcse.js';
import { sortedQuantiles } from './quantile.js';
import { rankNormalizedSplitRhat } from './rhat.js';
import { elementNames, siteElement, siteLayout, unravelIndex, type Draws, type SampleStats } from './types.js';

/** One scalar element of the posterior in a {@link Summary}. */
export interface SummaryRow {
  /** NumPyro-style 0-based name: `'mu'`, `'beta[0]'`, `'L[1,0]'`. */
  readonly name: string;
  /** The site the element belongs to. */
  readonly site: string;
  /** 0-based index within the site (empty for a scalar site). */
  readonly index: readonly number[];
  readonly mean: number;
  /** Standard deviation (ddof 1) over all chains and draws. */
  readonly sd: number;
  /** Type-7 median over all chains and draws. */
  readonly median: number;
  /** Type-7 quantiles at {@link Summary.probs}, in the same order. */
  readonly quantiles: readonly number[];
  readonly essBulk: number;
  readonly essTail: number;
  /** Rank-normalised split R-hat. */
  readonly rHat: number;
  readonly mcseMean: number;
}

/** The result of {@link summary}. */
export interface Summary {
  readonly rows: readonly SummaryRow[];
  /** The probabilities of {@link SummaryRow.quantiles}. */
  readonly probs: readonly number[];
  readonly numChains: number;
  readonly numDraws: number;
  /** Divergent transitions over all chains (0 without sample statistics). */
  readonly numDivergent: number;
  /** Whether sample statistics were given (and checked). */
  readonly withStats: boolean;
  /** E-BFMI per chain (empty without sample statistics). */
  readonly ebfmi: readonly number[];
  /** Human-readable warnings; empty when nothing was flagged. */
  readonly problems: readonly string[];
}

/** Options of {@link summary}. */
export interface SummaryOptions {
  /** Quantile probabilities (default `[0.05, 0.5, 0.95]`). */
  readonly probs?: readonly number[];
  /** R-hat above this is flagged (default 1.01, Vehtari et al. 2021). */
  readonly rHatThreshold?: number;
  /** Bulk or tail ESS below this many per chain is flagged (default 100, Vehtari et al. 2021). */
  readonly minEssPerChain?: number;
  /** NUTS maximum tree depth; transitions reaching it are counted as saturated (default 10, Stan's). */
  readonly maxTreeDepth?: number;
  /** E-BFMI below this is flagged (default 0.3, Betancourt 2016 / Stan). */
  readonly ebfmiThreshold?: number;
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
}

function statsProblems(stats: SampleStats, o: Required<SummaryOptions>): { problems: string[]; numDivergent: number; e: Float64Array } {
  const problems: string[] = [];
  const total = stats.numChains * stats.numDraws;
  let numDivergent = 0;
  for (const d of stats.isDivergent) numDivergent += d ? 1 : 0;
  if (numDivergent > 0) {
    problems.push(`${numDivergent} of ${total} transitions diverged (${((100 * numDivergent) / total).toFixed(1)}%); consider a higher target acceptance or a reparameterisation`);
  }
  if (stats.treeDepth !== undefined) {
    let saturated = 0;
    for (const d of stats.treeDepth) saturated += d >= o.maxTreeDepth ? 1 : 0;
    if (saturated > 0) {
      problems.push(`${saturated} of ${total} transitions reached the maximum tree depth ${o.maxTreeDepth} (${((100 * saturated) / total).toFixed(1)}%)`);
    }
  }
  const e = stats.numDraws >= 2 ? ebfmi(stats.energy, stats.numChains) : new Float64Array(0);
  const low = Array.from(e, (v, c) => ({ v, c })).filter(({ v }) => v < o.ebfmiThreshold);
  if (low.length > 0) {
    problems.push(`E-BFMI below ${o.ebfmiThreshold} in chain(s) ${low.map(({ v, c }) => `${c} (${v.toFixed(3)})`).join(', ')}`);
  }
  return { problems, numDivergent, e };
}

/**
 * Posterior summary per scalar element, like NumPyro's `print_summary`, ArviZ's `az.summary` and
 * CmdStan's `stansummary`: mean, sd, median, type-7 quantiles, bulk and tail ESS, rank-normalised
 * split R-hat and MCSE of the mean. `problems` names: divergent transitions (count), elements with
 * R-hat above 1.01 (a NaN R-hat, from constant draws, is not flagged), elements with non-finite
 * draws, elements with bulk or tail ESS below 100 per chain (Vehtari et al. 2021's
 * recommendation; 400 for 4 chains), transitions saturating the tree depth, and chains with
 * E-BFMI below 0.3 — the sample-statistics checks only when `stats` is given.
 */
export function summary(draws: Draws, stats?: SampleStats, options: SummaryOptions = {}): Summary {
  const o: Required<SummaryOptions> = {
    probs: options.probs ?? [0.05, 0.5, 0.95],
    rHatThreshold: options.rHatThreshold ?? 1.01,
    minEssPerChain: options.minEssPerChain ?? 100,
    maxTreeDepth: options.maxTreeDepth ?? 10,
    ebfmiThreshold: options.ebfmiThreshold ?? 0.3,
  };
  const rows: SummaryRow[] = [];
  let numChains = stats?.numChains ?? 0;
  let numDraws = stats?.numDraws ?? 0;
  for (const [site, d] of Object.entries(draws)) {
    const layout = siteLayout(site, d);
    numChains = layout.numChains;
    numDraws = layout.numDraws;
    const names = elementNames(site, layout.siteShape);
    names.forEach((name, i) => {
      const x = siteElement(d, i);
      const sorted = Float64Array.from(x).sort();
      const [median = NaN] = sortedQuantiles(sorted, [0.5]);
      rows.push({
        name,
        site,
        index: unravelIndex(i, layout.siteShape),
        mean: mean(x),
        sd: Math.sqrt(variance(x, 1)),
        median,
        quantiles: Array.from(sortedQuantiles(sorted, o.probs)),
        essBulk: essBulk(x, layout.numChains),
        essTail: essTail(x, layout.numChains),
        rHat: rankNormalizedSplitRhat(x, layout.numChains),
        mcseMean: mcseMean(x, layout.numChains),
      });
    });
  }
  const problems: string[] = [];
  let numDivergent = 0;
  let e: Float64Array = new Float64Array(0);
  if (stats !== undefined) {
    const s = statsProblems(stats, o);
    problems.push(...s.problems);
    numDivergent = s.numDivergent;
    e = s.e;
  }
  const nonFinite = rows.filter((r) => !Number.isFinite(r.mean)).map((r) => r.name);
  if (nonFinite.length > 0) problems.push(`non-finite draws for ${listNames(nonFinite)}`);
  // NaN R-hat (constant or non-finite draws) is not flagged as poor mixing.
  const highRhat = rows.filter((r) => r.rHat > o.rHatThreshold).map((r) => r.name);
  if (highRhat.length > 0) problems.push(`R-hat above ${o.rHatThreshold} for ${listNames(highRhat)}: the chains have not mixed`);
  const minEss = o.minEssPerChain * numChains;
  const lowBulk = rows.filter((r) => r.essBulk < minEss).map((r) => r.name);
  if (lowBulk.length > 0) problems.push(`bulk ESS below ${minEss} (${o.minEssPerChain} per chain) for ${listNames(lowBulk)}`);
  const lowTail = rows.filter((r) => r.essTail < minEss).map((r) => r.name);
  if (lowTail.length > 0) problems.push(`tail ESS below ${minEss} (${o.minEssPerChain} per chain) for ${listNames(lowTail)}`);
  return { rows, probs: [...o.probs], numChains, numDraws, withStats: stats !== undefined, numDivergent, ebfmi: Array.from(e), problems };
}
