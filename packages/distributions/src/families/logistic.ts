import * as tf from '@tensorflow/tfjs-core';
import { logit, logSigmoid, random, sigmoid, softplus, type PRNGKey } from '@probdl/tensor-backend';
import type { DistributionOptions } from '../distribution.js';
import type { TensorInput } from '../internal/params.js';
import { SymmetricLocationScaleDistribution } from './location-scale.js';

/** float32 smallest normal: the lower end of the uniform the sampler inverts (logit stays finite). */
const TINY = 2 ** -126;

/** Parameters of {@link Logistic}. */
export interface LogisticParams extends DistributionOptions {
  /** Location (mean, median and mode). */
  readonly loc: TensorInput;
  /** Scale, > 0 (variance scale² π² / 3). */
  readonly scale: TensorInput;
}

/**
 * The logistic distribution: cdf sigmoid((x - loc) / scale). Stable forms throughout
 * (log cdf = logSigmoid(z), log density = -z - 2 softplus(-z) - log scale). Samples are
 * reparameterised: loc + scale·logit(u).
 */
export class Logistic extends SymmetricLocationScaleDistribution {
  constructor(params: LogisticParams) {
    super('Logistic', params);
  }

  /** logit(u), u uniform on [TINY, 1). */
  protected standardSample(key: PRNGKey, shape: number[]): tf.Tensor {
    return logit(random.uniform(key, shape, { minval: TINY, maxval: 1 }));
  }
  protected standardQuantile(p: tf.Tensor): tf.Tensor {
    return logit(p);
  }
  protected standardCdf(z: tf.Tensor): tf.Tensor {
    return sigmoid(z);
  }
  protected standardLogCdf(z: tf.Tensor): tf.Tensor {
    return logSigmoid(z);
  }

  /** -|z| - 2 softplus(-|z|) - log scale (symmetric in z, never overflows). */
  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const a = tf.abs(this.standardize(x));
      return tf.sub(tf.neg(tf.add(a, tf.mul(2, softplus(tf.neg(a))))), tf.log(this.scale));
    });
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.mul((Math.PI * Math.PI) / 3, tf.square(this.scale))));
  }
  override stddev(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.mul(Math.PI / Math.sqrt(3), this.scale)));
  }
  override entropy(): tf.Tensor {
    return this.logScalePlus(2);
  }
}
