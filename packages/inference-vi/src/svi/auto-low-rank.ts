import type { Model } from '@probdl/model';
import { lowRankPlusDiagonal, type LowRankParams } from '../families/low-rank-normal.js';
import { checkGuideOptions, makeAutoGuide } from './internal/guide-core.js';
import { familyCore } from './internal/family-core.js';
import type { AutoGuide, AutoGuideOptions } from './types.js';

/** Options of {@link autoLowRankMultivariateNormal}. */
export interface AutoLowRankOptions extends AutoGuideOptions {
  /** K, the rank of the covariance factor W (default 1; NumPyro's default is about √D). */
  readonly rank?: number;
}

/**
 * NumPyro's `AutoLowRankMultivariateNormal`: N(loc, W Wᵀ + diag(s²)) on the flat unconstrained
 * position with W `[D, K]`, the {@link lowRankPlusDiagonal} family (params `{ loc, covFactor,
 * rawScaleDiag }`, s = softplus(rawScaleDiag), starting at `initScale`).
 */
export function autoLowRankMultivariateNormal<A extends unknown[]>(model: Model<A>, options: AutoLowRankOptions = {}): AutoGuide<LowRankParams, A> {
  const initScale = checkGuideOptions('AutoLowRankMultivariateNormal', options);
  const rank = options.rank ?? 1;
  if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`AutoLowRankMultivariateNormal: option 'rank' must be an integer >= 1, got ${rank}`);
  const core = familyCore<LowRankParams, LowRankParams, A>(lowRankPlusDiagonal({ rank, initScale }), (p) => p, (f) => f);
  return makeAutoGuide('AutoLowRankMultivariateNormal', model, options, core);
}
