import type { Model } from '@probdl/model';
import { meanFieldNormal, type MeanFieldNormalParams } from '../families/mean-field-normal.js';
import { checkGuideOptions, makeAutoGuide } from './internal/guide-core.js';
import { familyCore } from './internal/family-core.js';
import type { AutoGuide, AutoGuideOptions } from './types.js';

/**
 * NumPyro's `AutoDiagonalNormal`: a Normal with diagonal covariance on the flat unconstrained
 * position, the {@link meanFieldNormal} family (params `{ loc: [D], rawScale: [D] }`, scale =
 * softplus(rawScale)).
 */
export function autoDiagonalNormal<A extends unknown[]>(model: Model<A>, options: AutoGuideOptions = {}): AutoGuide<MeanFieldNormalParams, A> {
  const initScale = checkGuideOptions('AutoDiagonalNormal', options);
  const core = familyCore<MeanFieldNormalParams, MeanFieldNormalParams, A>(meanFieldNormal({ initScale }), (p) => p, (f) => f);
  return makeAutoGuide('AutoDiagonalNormal', model, options, core);
}
