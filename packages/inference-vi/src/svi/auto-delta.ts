import * as tf from '@tensorflow/tfjs-core';
import { logJoint, type Model } from '@probdl/model';
import { makeAutoGuide } from './internal/guide-core.js';
import { joinSites, splitSites } from './internal/layout.js';
import type { AutoGuide, AutoGuideOptions } from './types.js';

/** Parameters of {@link autoDelta}: per latent site, its point on the unconstrained position (shape: the site's unconstrained shape). */
export interface AutoDeltaParams {
  [k: string]: Record<string, tf.Tensor>;
  /** `{ site: [...unconstrainedShape] }`. */
  loc: Record<string, tf.Tensor>;
}

/**
 * NumPyro's `AutoDelta`: a point mass per latent site, so SVI finds the MAP. The point is kept on
 * the unconstrained position (`params.loc.<site>`, free of constraints for the optimizer) and
 * reported in constrained space. As in NumPyro the loss is −log p(data, θ) at the constrained value
 * θ (no log-Jacobian): the MAP of the constrained posterior density. The ELBO estimator options and
 * `numParticles` do not apply (a point mass has nothing to draw); `initScale` is unused; `quantiles`
 * are all the point.
 */
export function autoDelta<A extends unknown[]>(model: Model<A>, options: AutoGuideOptions = {}): AutoGuide<AutoDeltaParams, A> {
  const flat = (p: AutoDeltaParams, sites: Parameters<typeof joinSites>[1]): tf.Tensor => {
    if (p?.loc === undefined) throw new RangeError(`AutoDelta: params must be { loc: { site: tensor } }`);
    return joinSites('AutoDelta', sites, p.loc);
  };
  return makeAutoGuide<AutoDeltaParams, A>('AutoDelta', model, options, {
    initParams: (_key, loc, l) => ({ loc: splitSites(l.sites, loc) }),
    loss(_key, params, step, _options, l) {
      const values = step.target.constrain(flat(params, l.sites));
      return tf.neg(logJoint(model, step.args, values, { key: step.modelKey })) as tf.Scalar;
    },
    sampleUnconstrained: (_key, params, n, l) => tf.broadcastTo(tf.expandDims(flat(params, l.sites), 0), [n, l.dim]),
    loc: (params, l) => flat(params, l.sites),
    marginalStd: (_params, l) => tf.zeros([l.dim]),
  });
}
