import * as tf from '@tensorflow/tfjs-core';
import { log1p, random, type PRNGKey } from '@probdl/tensor-backend';
import type { DistributionOptions } from '../distribution.js';
import type { TensorInput } from '../internal/params.js';
import { SymmetricLocationScaleDistribution } from './location-scale.js';

/** float32 nextafter(-1, 0): the lower end of the uniform the sampler inverts. */
const NEXT_ABOVE_MINUS_ONE = -1 + 2 ** -24;

/** Parameters of {@link Laplace}. */
export interface LaplaceParams extends DistributionOptions {
  /** Location (mean, median and mode). */
  readonly loc: TensorInput;
  /** Scale, > 0 (variance 2 scale²). */
  readonly scale: TensorInput;
}

/**
 * The Laplace (double exponential) distribution with density exp(-|x - loc| / scale) / (2 scale).
 * Samples are reparameterised: loc - scale·sign(u)·log1p(-|u|), u uniform on (-1, 1).
 */
export class Laplace extends SymmetricLocationScaleDistribution {
  constructor(params: LaplaceParams) {
    super('Laplace', params);
  }

  /** -sign(u)·log1p(-|u|), u uniform on (-1, 1). */
  protected standardSample(key: PRNGKey, shape: number[]): tf.Tensor {
    return tf.tidy(() => {
      const u = random.uniform(key, shape, { minval: NEXT_ABOVE_MINUS_ONE, maxval: 1 });
      return tf.neg(tf.mul(tf.sign(u), log1p(tf.neg(tf.abs(u)))));
    });
  }
  /** -sign(p - ½)·log1p(-2|p - ½|). */
  protected standardQuantile(p: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const d = tf.sub(p, 0.5);
      return tf.neg(tf.mul(tf.sign(d), log1p(tf.mul(-2, tf.abs(d)))));
    });
  }
  /** ½ e^z below 0, 1 - ½ e^-z above. */
  protected standardCdf(z: tf.Tensor): tf.Tensor {
    return lowerTail(z);
  }
  /** z - log 2 below 0, log1p(-½ e^-z) above: finite and accurate in both tails. */
  protected standardLogCdf(z: tf.Tensor): tf.Tensor {
    return logLowerTail(z);
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.neg(tf.add(tf.abs(this.standardize(x)), tf.log(tf.mul(this.scale, 2)))));
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.mul(2, tf.square(this.scale))));
  }
  override stddev(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.mul(Math.SQRT2, this.scale)));
  }
  override entropy(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.add(tf.log(tf.mul(this.scale, 2)), 1)));
  }
}

/** The standard Laplace cdf at z. */
function lowerTail(z: tf.Tensor): tf.Tensor {
  const e = tf.mul(0.5, tf.exp(tf.neg(tf.abs(z))));
  return tf.where(tf.less(z, 0), e, tf.sub(1, e));
}

/** The standard Laplace log cdf at z. */
function logLowerTail(z: tf.Tensor): tf.Tensor {
  const zNeg = tf.minimum(z, 0);
  const zPos = tf.maximum(z, 0);
  return tf.where(tf.less(z, 0), tf.sub(zNeg, Math.LN2), log1p(tf.mul(-0.5, tf.exp(tf.neg(zPos)))));
}
