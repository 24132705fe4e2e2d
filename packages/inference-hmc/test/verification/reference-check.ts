/**
 * Compares a run's draws with a posteriordb reference summary (10,000 reference draws): each
 * parameter's mean and sd must lie within 4 Monte Carlo standard errors, the MCSE combining ours
 * (from our ESS: `mcseMean`, `mcseSd` of the package's diagnostics) and the reference's own (its
 * `mcse_mean_approx` = sd/√10,000; for the sd, the delta-method MCSE with 10,000 independent draws
 * and our kurtosis estimate). Reference names are 1-based (`beta[1]`), ours 0-based.
 */
import { mean } from '../../src/diagnostics/chains.js';
import { mcseMean, mcseSd } from '../../src/diagnostics/mcse.js';
import { rankNormalizedSplitRhat } from '../../src/diagnostics/rhat.js';
import { essBulk } from '../../src/diagnostics/ess.js';
import { siteElement, type Draws } from '../../src/diagnostics/types.js';

/** A posteriordb reference summary (reference_summary.json). */
export interface ReferenceSummary {
  readonly nchains: number;
  readonly ndraws_per_chain: number;
  readonly params: Record<string, { mean: number; sd: number; mcse_mean_approx: number }>;
}

/** One parameter's comparison. */
export interface ParamCheck {
  readonly name: string;
  readonly mean: number;
  readonly refMean: number;
  /** |mean - refMean| / combined MCSE of the mean. */
  readonly zMean: number;
  readonly sd: number;
  readonly refSd: number;
  /** |sd - refSd| / combined MCSE of the sd. */
  readonly zSd: number;
  readonly rHat: number;
  readonly essBulk: number;
}

/** `name[i]` (1-based) or `name` → [name, 0-based index]. */
function parseName(key: string): [string, number] {
  const m = /^(\w+)\[(\d+)\]$/.exec(key);
  return m ? [m[1]!, Number(m[2]) - 1] : [key, 0];
}

/**
 * The `[chains · draws]` series of a reference parameter from our draws. `derived` supplies
 * parameters that are not sites (e.g. eight schools' transformed `theta`).
 */
export function seriesOf(draws: Draws, key: string, derived: Record<string, (draws: Draws, index: number) => Float64Array> = {}): Float64Array {
  const [name, index] = parseName(key);
  const site = draws[name];
  if (site) return siteElement(site, index);
  const f = derived[name];
  if (f) return f(draws, index);
  throw new Error(`reference parameter '${key}': no site '${name}' among the draws (${Object.keys(draws).join(', ')})`);
}

/** Checks every reference parameter; `numChains` is the number of chains of `draws`. */
export function checkAgainstReference(
  draws: Draws,
  numChains: number,
  ref: ReferenceSummary,
  derived: Record<string, (draws: Draws, index: number) => Float64Array> = {},
): ParamCheck[] {
  const nRef = ref.nchains * ref.ndraws_per_chain;
  return Object.entries(ref.params).map(([name, r]) => {
    const x = seriesOf(draws, name, derived);
    const m = mean(x);
    const y = x.map((v) => (v - m) ** 2);
    const ey = mean(y);
    const ey2 = mean(y.map((v) => v * v));
    const sd = Math.sqrt((ey * x.length) / (x.length - 1));
    // The reference's sd MCSE: the delta method with nRef independent draws, our fourth moment.
    const refMcseSd = Math.sqrt((ey2 - ey * ey) / nRef / ey / 4);
    const seMean = Math.hypot(mcseMean(x, numChains), r.mcse_mean_approx);
    const seSd = Math.hypot(mcseSd(x, numChains), refMcseSd);
    return {
      name,
      mean: m,
      refMean: r.mean,
      zMean: Math.abs(m - r.mean) / seMean,
      sd,
      refSd: r.sd,
      zSd: Math.abs(sd - r.sd) / seSd,
      rHat: rankNormalizedSplitRhat(x, numChains),
      essBulk: essBulk(x, numChains),
    };
  });
}

/** A table of the checks, for the test log. */
export function formatChecks(title: string, checks: readonly ParamCheck[]): string {
  const f = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));
  const lines = checks.map(
    (c) =>
      `  ${c.name.padEnd(10)} mean ${f(c.mean)} (ref ${f(c.refMean)}, z ${c.zMean.toFixed(2)})  sd ${f(c.sd)} (ref ${f(c.refSd)}, z ${c.zSd.toFixed(2)})  r_hat ${c.rHat.toFixed(4)}  ess_bulk ${c.essBulk.toFixed(0)}`,
  );
  return [title, ...lines].join('\n');
}
