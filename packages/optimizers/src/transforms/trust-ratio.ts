import * as tf from '@tensorflow/tfjs-core';
import type { Tree } from '@probdl/tensor-backend';
import type { GradientTransformation } from '../types.js';
import { checkNumber, mapLeaves, requireParams } from './internal.js';

/** Options of {@link scaleByTrustRatio}. */
export interface ScaleByTrustRatioOptions {
  /** Norms below this are raised to it, ≥ 0. Default 0. */
  minNorm?: number;
  /** Multiplies the ratio, ≥ 0. Default 1. */
  trustCoefficient?: number;
  /** Added to the update norm, ≥ 0. Default 0. */
  eps?: number;
}

/**
 * Scales each leaf's update by the trust ratio `c ‖p‖ / (‖u‖ + eps)` (`optax.scale_by_trust_ratio`,
 * LARS/LAMB, You et al. 2019), with norms per leaf; the ratio is 1 where either norm is 0.
 * Needs `params`.
 */
export function scaleByTrustRatio(options: ScaleByTrustRatioOptions = {}): GradientTransformation<Record<string, never>> {
  const fn = 'scaleByTrustRatio';
  const minNorm = checkNumber(fn, 'minNorm', options.minNorm ?? 0, { min: 0 });
  const coeff = checkNumber(fn, 'trustCoefficient', options.trustCoefficient ?? 1, { min: 0 });
  const eps = checkNumber(fn, 'eps', options.eps ?? 0, { min: 0 });
  const safeNorm = (x: tf.Tensor) => tf.maximum(tf.sqrt(tf.sum(tf.square(x))), minNorm);
  return {
    init: () => ({}),
    update(updates: Tree, _state, params?: Tree) {
      const p = requireParams(fn, params);
      const out = mapLeaves(
        (u, w) => {
          const pn = safeNorm(w);
          const un = safeNorm(u);
          const ratio = tf.div(tf.mul(pn, coeff), tf.add(un, eps));
          const zero = tf.logicalOr(tf.equal(pn, 0), tf.equal(un, 0));
          return tf.mul(u, tf.where(zero, tf.onesLike(ratio), ratio));
        },
        updates,
        p,
      );
      return [out, {}];
    },
  };
}
