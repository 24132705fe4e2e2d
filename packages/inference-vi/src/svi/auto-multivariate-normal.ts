import type { Model } from '@probdl/model';
import { fullRankNormal, type FullRankNormalParams } from '../families/full-rank-normal.js';
import { checkGuideOptions, makeAutoGuide } from './internal/guide-core.js';
import { familyCore } from './internal/family-core.js';
import type { AutoGuide, AutoGuideOptions } from './types.js';

/**
 * NumPyro's `AutoMultivariateNormal`: a full-rank Normal N(loc, L Lᵀ) on the flat unconstrained
 * position, the {@link fullRankNormal} family (params `{ loc: [D], scaleTrilRaw: [D(D+1)/2] }`, the
 * packed lower triangle with a softplus diagonal); L starts at `initScale · I`.
 */
export function autoMultivariateNormal<A extends unknown[]>(model: Model<A>, options: AutoGuideOptions = {}): AutoGuide<FullRankNormalParams, A> {
  const initScale = checkGuideOptions('AutoMultivariateNormal', options);
  const core = familyCore<FullRankNormalParams, FullRankNormalParams, A>(fullRankNormal({ initScale }), (p) => p, (f) => f);
  return makeAutoGuide('AutoMultivariateNormal', model, options, core);
}
