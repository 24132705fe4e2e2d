import { siteLayout, type Draws, type SampleStats } from '../diagnostics/types.js';
import { nest, type Nested } from './nested.js';

/** Options of {@link toArviZJson}. */
export interface ArviZJsonOptions {
  /** Observed data by name: a number, a flat array, or `{ values, shape }`. */
  readonly observedData?: Record<string, number | readonly number[] | { values: ArrayLike<number>; shape: readonly number[] }>;
  /** Coordinate values by dimension name (`az.from_dict(coords=...)`). */
  readonly coords?: Record<string, readonly (string | number)[]>;
  /** Dimension names per variable, excluding chain and draw (`az.from_dict(dims=...)`). */
  readonly dims?: Record<string, readonly string[]>;
}

/** The keyword arguments of `az.from_dict`, JSON-serialisable. */
export interface ArviZJson {
  /** Site name → nested `[chain][draw][...]` arrays. */
  readonly posterior: Record<string, Nested<number>[]>;
  /**
   * ArviZ's sample-statistics names → `[chain][draw]` arrays: `diverging` (bool), `energy`,
   * `tree_depth`, `acceptance_rate`, `step_size`, `n_steps`, `lp` (those recorded).
   */
  readonly sample_stats?: Record<string, Nested<number | boolean>[]>;
  readonly observed_data?: Record<string, Nested<number>[] | number>;
  readonly coords?: Record<string, (string | number)[]>;
  readonly dims?: Record<string, string[]>;
}

// JSON has no NaN or infinity; ArviZ reads null as NaN through numpy's float conversion.
function jsonNumber(v: number): number {
  return Number.isFinite(v) ? v : (null as unknown as number);
}

/**
 * Draws and sample statistics as the keyword arguments of ArviZ's `az.from_dict`, e.g. in Python
 * `az.from_dict(**json.load(f))`. Non-finite numbers become `null`.
 */
export function toArviZJson(draws: Draws, stats?: SampleStats, options: ArviZJsonOptions = {}): ArviZJson {
  const posterior: Record<string, Nested<number>[]> = {};
  for (const [name, site] of Object.entries(draws)) {
    siteLayout(name, site);
    posterior[name] = nest(site.values, site.shape, jsonNumber);
  }
  const out: {
    posterior: Record<string, Nested<number>[]>;
    sample_stats?: Record<string, Nested<number | boolean>[]>;
    observed_data?: Record<string, Nested<number>[] | number>;
    coords?: Record<string, (string | number)[]>;
    dims?: Record<string, string[]>;
  } = { posterior };
  if (stats !== undefined) {
    const shape = [stats.numChains, stats.numDraws];
    const ss: Record<string, Nested<number | boolean>[]> = {
      diverging: nest(stats.isDivergent, shape, (v) => v !== 0),
      energy: nest(stats.energy, shape, jsonNumber),
      acceptance_rate: nest(stats.acceptanceRate, shape, jsonNumber),
      step_size: nest(stats.stepSize, shape, jsonNumber),
      n_steps: nest(stats.numIntegrationSteps, shape, (v) => v),
    };
    if (stats.treeDepth !== undefined) ss.tree_depth = nest(stats.treeDepth, shape, (v) => v);
    if (stats.logDensity !== undefined) ss.lp = nest(stats.logDensity, shape, jsonNumber);
    out.sample_stats = ss;
  }
  if (options.observedData !== undefined) {
    const od: Record<string, Nested<number>[] | number> = {};
    for (const [name, v] of Object.entries(options.observedData)) {
      if (typeof v === 'number') od[name] = jsonNumber(v);
      else if ('shape' in v) od[name] = nest(v.values, v.shape, jsonNumber);
      else od[name] = Array.from(v as readonly number[], jsonNumber);
    }
    out.observed_data = od;
  }
  if (options.coords !== undefined) {
    out.coords = Object.fromEntries(Object.entries(options.coords).map(([k, v]) => [k, [...v]]));
  }
  if (options.dims !== undefined) {
    out.dims = Object.fromEntries(Object.entries(options.dims).map(([k, v]) => [k, [...v]]));
  }
  return out;
}
