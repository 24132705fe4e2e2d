import * as tf from '@tensorflow/tfjs-core';
import { Distribution } from '@probdl/distributions';
import { checkTensor, fmtShape, reduce, resolveReduction } from './internal/loss-utils.js';
import type { LossOptions, ScalarLossOptions } from './types.js';

/**
 * −log p(y) under `dist` (a head's output), reduced by `reduction` (default: the mean over every
 * example). `y` must have shape `[...sample, ...dist.batchShape, ...dist.eventShape]`: its trailing
 * dimensions must equal the batch and event shapes exactly (leading ones are independent draws),
 * so a target of shape [N] against an MDN over events [1] is an error, not an [N, N] broadcast.
 * 'none' returns the per-example values, shape `[...sample, ...batchShape]`.
 */
export function negativeLogLikelihood(dist: Distribution, y: tf.Tensor, options?: ScalarLossOptions): tf.Scalar;
export function negativeLogLikelihood(dist: Distribution, y: tf.Tensor, options: LossOptions): tf.Tensor;
export function negativeLogLikelihood(dist: Distribution, y: tf.Tensor, options?: LossOptions): tf.Tensor {
  const fn = 'negativeLogLikelihood';
  if (!(dist instanceof Distribution)) throw new TypeError(`${fn}: argument 'dist' must be a Distribution, got ${dist === null ? 'null' : typeof dist}`);
  checkTensor(fn, 'y', y);
  const tail = [...dist.batchShape, ...dist.eventShape];
  const yTail = y.shape.slice(y.rank - tail.length);
  if (y.rank < tail.length || yTail.some((d, i) => d !== tail[i])) {
    throw new RangeError(
      `${fn}: y has shape ${fmtShape(y.shape)} but the distribution has batch shape ${fmtShape(dist.batchShape)} and event shape ${fmtShape(dist.eventShape)}; y must end with ${fmtShape(tail)}`,
    );
  }
  const reduction = resolveReduction(fn, options);
  return tf.tidy(() => reduce(tf.neg(dist.logProb(y)), reduction));
}
