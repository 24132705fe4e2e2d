import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import type { GradientTransformation } from '../types.js';
import { checkDecay, mapLeaves, tidyPair, updateMoment } from './internal.js';

/** State of {@link scaleByLion}: the momentum. */
export type ScaleByLionState = { mu: Tree };

/** Options of {@link scaleByLion}. */
export interface ScaleByLionOptions {
  /** Interpolation between gradient and momentum for the update, in [0, 1). Default 0.9. */
  b1?: number;
  /** Decay of the momentum, in [0, 1). Default 0.99. */
  b2?: number;
}

/**
 * Rescales updates by Lion (`optax.scale_by_lion`, Chen et al. 2023):
 * `u = sign((1-b1) g + b1 mu)`, then `mu = b2 mu + (1-b2) g`.
 */
export function scaleByLion(options: ScaleByLionOptions = {}): GradientTransformation<ScaleByLionState> {
  const b1 = checkDecay('scaleByLion', 'b1', options.b1 ?? 0.9);
  const b2 = checkDecay('scaleByLion', 'b2', options.b2 ?? 0.99);
  return {
    init: (params) => ({ mu: tree.zerosLike(params) }),
    update: (updates, state) =>
      tidyPair(() => {
        const out = mapLeaves((g, m) => tf.sign(tf.add(tf.mul(g, 1 - b1), tf.mul(m, b1))), updates, state.mu);
        const mu = updateMoment(updates, state.mu, b2, 1);
        return [out, { mu }];
      }) as [Tree, ScaleByLionState],
  };
}
