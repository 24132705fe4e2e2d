import * as tf from '@tensorflow/tfjs-core';
import { logNdtr, ndtr, ndtri, random, type PRNGKey } from '@probdl/tensor-backend';
import { real } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isFinite, isPositive } from '../internal/validation.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Parameters of {@link Normal}. */
export interface NormalParams extends DistributionOptions {
  /** Mean. */
  readonly loc: TensorInput;
  /** Standard deviation, > 0. */
  readonly scale: TensorInput;
}

/** The normal distribution N(loc, scale²); samples are reparameterised (loc + scale·ε). */
export class Normal extends Distribution {
  readonly name: string = 'Normal';
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;

  constructor(params: NormalParams) {
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
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, random.normal(key, shape))));
  }

  /** The standardised value (x - loc) / scale. */
  private z(x: TensorInput): tf.Tensor {
    return tf.div(tf.sub(this.value(x), this.loc), this.scale);
  }

  /** -Infinity at NaN x (outside the support, like every family), the Gaussian log density elsewhere. */
  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = this.z(x);
      const lp = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.log(this.scale), HALF_LOG_TWO_PI));
      return tf.where(tf.isNaN(lp), tf.fill(lp.shape, -Infinity), lp);
    });
  }
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => ndtr(this.z(x)));
  }
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => logNdtr(this.z(x)));
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => ndtr(tf.neg(this.z(x))));
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => logNdtr(tf.neg(this.z(x))));
  }
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, ndtri(this.value(p, 'p')))));
  }
  override mean(): tf.Tensor {
    return this.toBatchShape(this.loc);
  }
  override mode(): tf.Tensor {
    return this.mean();
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.square(this.scale)));
  }
  override stddev(): tf.Tensor {
    return this.toBatchShape(this.scale);
  }
  override entropy(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.add(tf.log(this.scale), 0.5 + HALF_LOG_TWO_PI)));
  }
}
