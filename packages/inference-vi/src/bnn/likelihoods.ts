import * as tf from '@tensorflow/tfjs-core';
import type { Likelihood } from './types.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * A Gaussian observation model with a fixed noise standard deviation `scale` (> 0):
 * log N(y | f, scale²) per element of the network output f, summed per example by the BNN utilities.
 * Written with plain ops (no distribution object), so it costs four ops in a training step.
 */
export function gaussianLikelihood(scale: number): Likelihood {
  if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`gaussianLikelihood: scale must be a finite number > 0 (the noise standard deviation), got ${String(scale)}`);
  }
  const logNorm = Math.log(scale) + HALF_LOG_TWO_PI;
  return (outputs, y) =>
    tf.tidy(() => {
      checkSameShape('gaussianLikelihood', outputs, y);
      return tf.sub(tf.mul(-0.5 / (scale * scale), tf.square(tf.sub(y, outputs))), logNorm);
    });
}

/**
 * A Gaussian observation model with a learned noise: the network has twice the target's features in
 * its last axis, `[..., 2k]` for targets `[..., k]`; the first k are the mean, the last k the
 * untransformed scale, σ = softplus(u) + minScale (default 1e-6). The log-likelihood per element is
 * log N(y | μ, σ²).
 */
export function heteroscedasticGaussianLikelihood(options: { readonly minScale?: number } = {}): Likelihood {
  const minScale = options.minScale ?? 1e-6;
  if (typeof minScale !== 'number' || !(minScale >= 0) || !Number.isFinite(minScale)) {
    throw new RangeError(`heteroscedasticGaussianLikelihood: minScale must be a finite number >= 0, got ${String(minScale)}`);
  }
  return (outputs, y) =>
    tf.tidy(() => {
      const k = y.rank === 0 ? 1 : y.shape[y.rank - 1]!;
      const last = outputs.shape[outputs.rank - 1];
      if (outputs.rank !== Math.max(y.rank, 1) || last !== 2 * k || outputs.shape.slice(0, -1).some((n, i) => n !== y.shape[i])) {
        throw new RangeError(
          `heteroscedasticGaussianLikelihood: outputs must be [..., 2k] (mean and untransformed scale) for targets [..., k]; got outputs [${outputs.shape.join(', ')}] and y [${y.shape.join(', ')}]`,
        );
      }
      const [loc, u] = tf.split(outputs, 2, -1) as [tf.Tensor, tf.Tensor];
      const scale = tf.add(tf.softplus(u), minScale);
      const z = tf.div(tf.sub(y, loc), scale);
      return tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.log(scale), HALF_LOG_TWO_PI));
    });
}

function checkSameShape(fn: string, outputs: tf.Tensor, y: tf.Tensor): void {
  if (outputs.rank !== y.rank || outputs.shape.some((n, i) => n !== y.shape[i])) {
    throw new RangeError(`${fn}: the network outputs [${outputs.shape.join(', ')}] and the targets y [${y.shape.join(', ')}] must have the same shape`);
  }
}
