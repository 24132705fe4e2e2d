import * as tf from '@tensorflow/tfjs-core';
import { logNdtr, ndtr, ndtri, random, type PRNGKey } from '@probdl/tensor-backend';
import type { DistributionOptions } from '../distribution.js';
import type { TensorInput } from '../internal/params.js';
import { SymmetricLocationScaleDistribution } from './location-scale.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Parameters of {@link Normal}. */
export interface NormalParams extends DistributionOptions {
  /** Mean. */
  readonly loc: TensorInput;
  /** Standard deviation, > 0. */
  readonly scale: TensorInput;
}

/** The normal distribution N(loc, scale²); samples are reparameterised (loc + scale·ε). */
export class Normal extends SymmetricLocationScaleDistribution {
  constructor(params: NormalParams) {
    super('Normal', params);
  }

  protected standardSample(key: PRNGKey, shape: number[]): tf.Tensor {
    return random.normal(key, shape);
  }
  protected standardQuantile(p: tf.Tensor): tf.Tensor {
    return ndtri(p);
  }
  protected standardCdf(z: tf.Tensor): tf.Tensor {
    return ndtr(z);
  }
  protected standardLogCdf(z: tf.Tensor): tf.Tensor {
    return logNdtr(z);
  }

  /** -Infinity at NaN x (outside the support, like every family), the Gaussian log density elsewhere. */
  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = this.standardize(x);
      const lp = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.log(this.scale), HALF_LOG_TWO_PI));
      return tf.where(tf.isNaN(lp), tf.fill(lp.shape, -Infinity), lp);
    });
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.square(this.scale)));
  }
  override stddev(): tf.Tensor {
    return this.toBatchShape(this.scale);
  }
  override entropy(): tf.Tensor {
    return this.logScalePlus(0.5 + HALF_LOG_TWO_PI);
  }
}
