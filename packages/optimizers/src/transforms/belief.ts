import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import { incrementCount, zeroCount } from '../chain.js';
import type { GradientTransformation } from '../types.js';
import { biasCorrection, checkDecay, checkNumber, mapLeaves, tidyPair, updateMoment } from './internal.js';
import type { ScaleByAdamState } from './adam.js';

/** Options of {@link scaleByBelief}. */
export interface ScaleByBeliefOptions {
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  b1?: number;
  /** Decay of the second moment of the prediction error, in [0, 1). Default 0.999. */
  b2?: number;
  /** Added to the square root of the second moment, ≥ 0. Default 1e-16. */
  eps?: number;
  /** Added to the second moment at every step, ≥ 0. Default 1e-16. */
  epsRoot?: number;
}

/**
 * Rescales updates by AdaBelief (`optax.scale_by_belief`, Zhuang et al. 2020):
 * `mu = b1 mu + (1-b1) g`, `s = b2 s + (1-b2) (g - mu_prev)² + epsRoot` (the prediction error uses the
 * first moment before this step, as Optax does), `u = mû / (sqrt(ŝ) + eps)` with Adam's bias corrections.
 */
export function scaleByBelief(options: ScaleByBeliefOptions = {}): GradientTransformation<ScaleByAdamState> {
  const fn = 'scaleByBelief';
  const b1 = checkDecay(fn, 'b1', options.b1 ?? 0.9);
  const b2 = checkDecay(fn, 'b2', options.b2 ?? 0.999);
  const eps = checkNumber(fn, 'eps', options.eps ?? 1e-16, { min: 0 });
  const epsRoot = checkNumber(fn, 'epsRoot', options.epsRoot ?? 1e-16, { min: 0 });
  return {
    init: (params) => ({ count: zeroCount(), mu: tree.zerosLike(params), nu: tree.zerosLike(params) }),
    update: (updates, state) =>
      tidyPair(() => {
        const mu = updateMoment(updates, state.mu, b1, 1);
        const nu = mapLeaves((g, m, s) => tf.add(tf.add(tf.mul(s, b2), tf.mul(tf.square(tf.sub(g, m)), 1 - b2)), epsRoot), updates, state.mu, state.nu);
        const count = incrementCount(state.count);
        const mHat = biasCorrection(mu, b1, count);
        const nHat = biasCorrection(nu, b2, count);
        const out = mapLeaves((m, v) => tf.div(m, tf.add(tf.sqrt(v), eps)), mHat, nHat);
        return [out, { count, mu, nu }];
      }) as [Tree, ScaleByAdamState],
  };
}

/** Alias of {@link scaleByBelief} under the name the probdl issue tracker used (`scaleByBeliefs`). */
export const scaleByBeliefs = scaleByBelief;
