import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '@probdl/model';
import { meanFieldNormal, type MeanFieldNormalParams } from '../families/mean-field-normal.js';
import { checkGuideOptions, makeAutoGuide } from './internal/guide-core.js';
import { familyCore } from './internal/family-core.js';
import { joinSites, splitSites } from './internal/layout.js';
import type { AutoGuide, AutoGuideOptions } from './types.js';

/**
 * Parameters of {@link autoNormal}: per latent site, the location and the unconstrained scale of its
 * block of the unconstrained position (shape: the site's unconstrained shape), scale = softplus(rawScale).
 */
export interface AutoNormalParams {
  [k: string]: Record<string, tf.Tensor>;
  /** `{ site: [...unconstrainedShape] }`, the means. */
  loc: Record<string, tf.Tensor>;
  /** `{ site: [...unconstrainedShape] }`, the unconstrained standard deviations. */
  rawScale: Record<string, tf.Tensor>;
}

/**
 * NumPyro's `AutoNormal`: an independent Normal for every coordinate of every latent site's
 * unconstrained value, with parameters kept per site (`params.loc.<site>`, `params.rawScale.<site>`).
 * The same distribution as {@link autoDiagonalNormal} (mean-field over the flat position, the
 * {@link meanFieldNormal} family with a softplus scale), with the sites distinguishable in the params.
 */
export function autoNormal<A extends unknown[]>(model: Model<A>, options: AutoGuideOptions = {}): AutoGuide<AutoNormalParams, A> {
  const initScale = checkGuideOptions('AutoNormal', options);
  const family = meanFieldNormal({ initScale });
  const core = familyCore<AutoNormalParams, MeanFieldNormalParams, A>(
    family,
    (p, l) => {
      if (p?.loc === undefined || p.rawScale === undefined) throw new RangeError(`AutoNormal: params must be { loc: { site: tensor }, rawScale: { site: tensor } }`);
      return { loc: joinSites('AutoNormal', l.sites, p.loc), rawScale: joinSites('AutoNormal', l.sites, p.rawScale) };
    },
    (f, l) => ({ loc: splitSites(l.sites, f.loc), rawScale: splitSites(l.sites, f.rawScale) }),
  );
  return makeAutoGuide('AutoNormal', model, options, core);
}
