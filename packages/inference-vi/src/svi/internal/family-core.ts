import * as tf from '@tensorflow/tfjs-core';
import { random, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { negativeElbo } from '../../elbo/elbo.js';
import type { VariationalFamily } from '../../families/types.js';
import type { GuideCore, Layout } from './guide-core.js';

/**
 * A guide core over a variational family on the flat unconstrained position: the guide's params
 * map to the family's params (`toFamily`, building tensors inside the caller's tidy), and the
 * family's initial params (with `loc` replaced by the init position) map back (`fromFamily`).
 * The loss is {@link negativeElbo} of the family against the model's log density at the step.
 */
export function familyCore<P extends Tree, F extends Tree & { loc: tf.Tensor }, A extends unknown[]>(
  family: VariationalFamily<F>,
  toFamily: (params: P, layout: Layout) => F,
  fromFamily: (params: F, layout: Layout) => P,
): GuideCore<P, A> {
  return {
    initParams(key: PRNGKey, loc: tf.Tensor, layout: Layout): P {
      const init = family.init(key, layout.dim);
      init.loc.dispose();
      return fromFamily({ ...(init as Record<string, tf.Tensor>), loc: tf.clone(loc) } as unknown as F, layout);
    },
    loss(key, params, step, options, layout) {
      return negativeElbo(key, step.target, family, toFamily(params, layout), options);
    },
    sampleUnconstrained(key, params, n, layout) {
      const fp = toFamily(params, layout);
      return family.fromNoise(fp, random.normal(key, [n, family.noiseSize(fp)]));
    },
    loc(params, layout) {
      return tf.clone(toFamily(params, layout).loc);
    },
    marginalStd(params, layout) {
      const q = family.distribution(toFamily(params, layout));
      try {
        return tf.sqrt(q.variance());
      } finally {
        q.dispose();
      }
    },
  };
}
