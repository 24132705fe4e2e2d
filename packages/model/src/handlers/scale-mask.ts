import * as tf from '@tensorflow/tfjs-core';
import { withHandler } from '../runtime.js';
import type { Model } from '../types.js';

/** Multiplies the log density of every sample and factor site inside by `factor` (> 0) (NumPyro's `scale`). */
export function scale<A extends unknown[], R>(model: Model<A, R>, factor: number): Model<A, R> {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`scale: factor must be positive and finite, got ${factor}`);
  return withHandler(model, () => ({
    process(msg) {
      if (msg.type === 'sample' || msg.type === 'factor') msg.scale *= factor;
    },
  }));
}

/**
 * Drops the log-density contribution of sample and factor sites where `mask` is false (NumPyro's
 * `mask`): a boolean for all, or a bool tensor that broadcasts against each site's log density
 * (e.g. missing observations). Values are still drawn.
 */
export function mask<A extends unknown[], R>(model: Model<A, R>, mask: boolean | tf.Tensor): Model<A, R> {
  if (typeof mask !== 'boolean' && !(mask instanceof tf.Tensor && mask.dtype === 'bool')) throw new TypeError('mask: mask must be a boolean or a bool tensor');
  return withHandler(model, () => ({
    process(msg) {
      if (msg.type !== 'sample' && msg.type !== 'factor') return;
      if (msg.mask === undefined || msg.mask === true) msg.mask = mask;
      else if (msg.mask === false || mask === false) msg.mask = false;
      else if (mask !== true) msg.mask = tf.logicalAnd(msg.mask, mask);
    },
  }));
}
