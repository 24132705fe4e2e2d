import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import type { GradientTransformation, OptState } from '../types.js';
import { tidyPair } from './internal.js';

const negate = (t: Tree): Tree => tree.map((x: tf.Tensor | number) => (typeof x === 'number' ? -x : tf.neg(x)), t as never) as Tree;

/** Negates the updates (`optax.scale(-1)`): a stateless transformation. */
export function flipSign(): GradientTransformation<Record<string, never>> {
  return { init: () => ({}), update: (updates) => [negate(updates), {}] };
}

/**
 * Gradient ascent with any optimizer: `maximize(adam(1e-2))` negates the incoming gradients
 * before `inner` sees them, so `applyUpdates` climbs the objective (e.g. an ELBO or a
 * log-likelihood) instead of descending it. This is the way to maximise with this package: pass
 * the gradient of the objective itself, not of its negative. The state is the inner state as it is.
 */
export function maximize<S extends OptState>(inner: GradientTransformation<S>): GradientTransformation<S> {
  if (inner === null || typeof inner !== 'object' || typeof inner.init !== 'function' || typeof inner.update !== 'function') {
    throw new Error('maximize: inner is not a GradientTransformation');
  }
  return {
    init: (params) => inner.init(params),
    update: (updates, state, params) => tidyPair(() => inner.update(negate(updates), state, params)),
  };
}
