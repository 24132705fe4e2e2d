import * as tf from '@tensorflow/tfjs-core';
import { random } from '@probdl/tensor-backend';
import type { ApplyOptions, Module } from '../core/module.js';
import { checkTensor, fmtShape } from './internal/checks.js';

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /**
   * Axes of `x` along which one mask value is shared (Flax's `broadcast_dims`), e.g. `[-2]` to drop
   * whole feature channels of a sequence `[batch, time, features]` at every time step. Negative
   * axes count from the end of `x`. Default: none (an independent draw per element).
   */
  readonly broadcastDims?: readonly number[];
}

/** Dropout has no parameters. */
export type DropoutParams = Record<string, never>;

/**
 * Inverted dropout: each element is zeroed with probability `rate` and the kept ones are scaled by
 * 1/(1 − rate), so the expected output equals the input and nothing changes at evaluation time.
 *
 * Active when `training` is true, or when `mcDropout` is true (MC dropout: keep it on at prediction
 * time and average several keyed passes). Then `options.key` is required. Otherwise (and always
 * for `rate` 0) `apply` returns a copy of `x`. Parameters: `{}`.
 */
export function dropout(rate: number, options: DropoutOptions = {}): Module<DropoutParams> {
  const where = `dropout(${rate})`;
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new RangeError(`dropout: rate must be a number in [0, 1), got ${String(rate)}`);
  }
  const broadcastDims = [...(options.broadcastDims ?? [])];
  for (const d of broadcastDims) {
    if (!Number.isInteger(d)) throw new RangeError(`${where}: broadcastDims must hold integers, got ${JSON.stringify(broadcastDims)}`);
  }
  return {
    kind: 'Dropout',
    init: () => ({}),
    outputShape: (inputShape) => [...inputShape],
    apply(_params: DropoutParams, x: tf.Tensor, opts: ApplyOptions = {}): tf.Tensor {
      checkTensor(`${where}.apply`, 'x', x);
      const active = opts.training === true || opts.mcDropout === true;
      if (!active || rate === 0) return tf.clone(x);
      if (opts.key === undefined) {
        const mode = opts.training === true ? 'training: true' : 'mcDropout: true';
        throw new TypeError(`${where}.apply: dropout is active (${mode}) and needs a PRNG key: pass options.key`);
      }
      const maskShape = x.shape.slice();
      for (const d of broadcastDims) {
        const axis = d < 0 ? x.rank + d : d;
        if (axis < 0 || axis >= x.rank) {
          throw new RangeError(`${where}.apply: broadcastDims entry ${d} is out of range for x of shape ${fmtShape(x.shape)}`);
        }
        maskShape[axis] = 1;
      }
      const keep = 1 - rate;
      const key = opts.key;
      return tf.tidy(() => {
        const mask = random.bernoulli(key, keep, maskShape);
        // where(mask, x / keep, 0): the gradient flows only through kept units.
        return tf.where(mask, tf.div(x, keep), tf.zerosLike(x));
      });
    },
  };
}
