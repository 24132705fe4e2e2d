import * as tf from '@tensorflow/tfjs-core';
import { log1p, random, type PRNGKey } from '@probdl/tensor-backend';
import type { DistributionOptions } from '../distribution.js';
import type { TensorInput } from '../internal/params.js';
import { SymmetricLocationScaleDistribution } from './location-scale.js';

const LOG_PI = Math.log(Math.PI);
/** Above this |z|, 1 + z² rounds to z² in float32 and log1p(z²) = 2 log|z| (also past z² overflow). */
const BIG_Z = 1e8;

/** log1p(z²) without overflow of z² for huge |z|. */
export function log1pSquare(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const a = tf.abs(z);
    const big = tf.greater(a, BIG_Z);
    const zs = tf.where(big, tf.zerosLike(z), z);
    return tf.where(big, tf.mul(2, tf.log(a)), log1p(tf.square(zs)));
  });
}

/**
 * tan(π(p - ½)) = -cot(πp) below ½ and cot(π(1 - p)) above (1 - p is exact there), so the quantile
 * keeps relative precision near p = 0 and p = 1, where p - ½ would round.
 */
export function standardCauchyQuantile(p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const lower = tf.less(p, 0.5);
    const q = tf.where(lower, p, tf.sub(1, p));
    const cot = tf.reciprocal(tf.tan(tf.mul(Math.PI, q)));
    return tf.where(lower, tf.neg(cot), cot);
  });
}

/** Parameters of {@link Cauchy}. */
export interface CauchyParams extends DistributionOptions {
  /** Location (median). */
  readonly loc: TensorInput;
  /** Scale (half width at half maximum), > 0. */
  readonly scale: TensorInput;
}

/**
 * The Cauchy distribution with density 1 / (π scale (1 + z²)), z = (x - loc) / scale.
 * Samples are reparameterised (loc + scale·tan(π(u - ½))). Mean and variance do not exist:
 * `mean()`, `variance()` and `stddev()` return NaN (TFP's allow_nan_stats=True).
 */
export class Cauchy extends SymmetricLocationScaleDistribution {
  constructor(params: CauchyParams) {
    super('Cauchy', params);
  }

  /** tan(π(u - ½)), u uniform on [0, 1). */
  protected standardSample(key: PRNGKey, shape: number[]): tf.Tensor {
    return tf.tidy(() => tf.tan(tf.mul(Math.PI, tf.sub(random.uniform(key, shape), 0.5))));
  }
  /** tan(π(p - ½)), written as -cot(πp) / cot(π(1 - p)) so the tails keep precision. */
  protected standardQuantile(p: tf.Tensor): tf.Tensor {
    return standardCauchyQuantile(p);
  }
  /** cdf = atan2(1, -z) / π: no cancellation in the left tail (0.5 + atan(z)/π loses it). */
  protected standardCdf(z: tf.Tensor): tf.Tensor {
    return tf.div(tf.atan2(tf.onesLike(z), tf.neg(z)), Math.PI);
  }
  protected standardLogCdf(z: tf.Tensor): tf.Tensor {
    return tf.sub(tf.log(tf.atan2(tf.onesLike(z), tf.neg(z))), LOG_PI);
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.neg(tf.add(tf.add(log1pSquare(this.standardize(x)), tf.log(this.scale)), LOG_PI)));
  }
  /** NaN: the Cauchy mean does not exist. */
  override mean(): tf.Tensor {
    return this.nanOfBatchShape();
  }
  /** NaN: the Cauchy variance does not exist. */
  override variance(): tf.Tensor {
    return this.nanOfBatchShape();
  }
  /** NaN: the Cauchy standard deviation does not exist. */
  override stddev(): tf.Tensor {
    return this.nanOfBatchShape();
  }
  override entropy(): tf.Tensor {
    return this.logScalePlus(Math.log(4 * Math.PI));
  }
}
