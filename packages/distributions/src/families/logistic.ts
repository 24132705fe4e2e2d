import * as tf from '@tensorflow/tfjs-core';
import { logit, logSigmoid, random, sigmoid, softplus, type PRNGKey } from '@probdl/tensor-backend';
import { real } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isFinite, isPositive } from '../internal/validation.js';

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
export class Logistic extends Distribution {
  readonly name: string = 'Logistic';
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;

  constructor(params: LogisticParams) {
    super(params);
    this.loc = this.param('loc', params.loc, isFinite);
    this.scale = this.param('scale', params.scale, isPositive);
    this.batchShape = broadcastShapes(this.name, { loc: this.loc.shape, scale: this.scale.shape });
  }

  get support(): Constraint {
    return real;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, logit(random.uniform(key, shape, { minval: TINY, maxval: 1 })))));
  }

  private z(x: TensorInput): tf.Tensor {
    return tf.div(tf.sub(this.value(x), this.loc), this.scale);
  }

  /** -|z| - 2 softplus(-|z|) - log scale (symmetric in z, never overflows). */
  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const a = tf.abs(this.z(x));
      return tf.sub(tf.neg(tf.add(a, tf.mul(2, softplus(tf.neg(a))))), tf.log(this.scale));
    });
  }
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => sigmoid(this.z(x)));
  }
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => logSigmoid(this.z(x)));
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => sigmoid(tf.neg(this.z(x))));
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => logSigmoid(tf.neg(this.z(x))));
  }
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, logit(this.value(p, 'p')))));
  }
  override mean(): tf.Tensor {
    return this.toBatchShape(this.loc);
  }
  override mode(): tf.Tensor {
    return this.mean();
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.mul((Math.PI * Math.PI) / 3, tf.square(this.scale))));
  }
  override stddev(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.mul(Math.PI / Math.sqrt(3), this.scale)));
  }
  override entropy(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.add(tf.log(this.scale), 2)));
  }
}
