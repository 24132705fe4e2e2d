import * as tf from '@tensorflow/tfjs-core';
import { expm1, logNdtr, ndtr, ndtri, random, type PRNGKey } from '@probdl/tensor-backend';
import { positive as positiveReals } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isFinite, isPositive } from '../internal/validation.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Parameters of {@link LogNormal}. */
export interface LogNormalParams extends DistributionOptions {
  /** Mean of log X. */
  readonly loc: TensorInput;
  /** Standard deviation of log X, > 0. */
  readonly scale: TensorInput;
}

/**
 * The log-normal distribution: X = exp(Y) with Y ~ Normal(loc, scale). Density on x > 0; `logProb`
 * is -Infinity at x <= 0 (the support is x > 0). Samples are
 * reparameterised: exp(loc + scale·ε).
 */
export class LogNormal extends Distribution {
  readonly name: string = 'LogNormal';
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;

  constructor(params: LogNormalParams) {
    super(params);
    this.loc = this.param('loc', params.loc, isFinite);
    this.scale = this.param('scale', params.scale, isPositive);
    this.batchShape = broadcastShapes(this.name, { loc: this.loc.shape, scale: this.scale.shape });
  }

  get support(): Constraint {
    return positiveReals;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => tf.exp(tf.add(this.loc, tf.mul(this.scale, random.normal(key, shape)))));
  }

  /** x > 0, and z = (log x - loc) / scale there (x masked to 1 elsewhere), broadcast to the output shape. */
  private standardized(x: TensorInput): { positive: tf.Tensor; z: tf.Tensor; logX: tf.Tensor } {
    const xv = this.value(x);
    const positive = tf.greater(xv, 0);
    const logX = tf.log(tf.where(positive, xv, tf.onesLike(xv)));
    const z = tf.div(tf.sub(logX, this.loc), this.scale);
    return { positive: tf.broadcastTo(positive, z.shape), z, logX };
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { positive, z, logX } = this.standardized(x);
      const lp = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.add(tf.log(this.scale), HALF_LOG_TWO_PI), logX));
      return tf.where(positive, lp, tf.fill(lp.shape, -Infinity));
    });
  }
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { positive, z } = this.standardized(x);
      return tf.where(positive, ndtr(z), tf.zerosLike(z));
    });
  }
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { positive, z } = this.standardized(x);
      return tf.where(positive, logNdtr(z), tf.fill(z.shape, -Infinity));
    });
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { positive, z } = this.standardized(x);
      return tf.where(positive, ndtr(tf.neg(z)), tf.onesLike(z));
    });
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { positive, z } = this.standardized(x);
      return tf.where(positive, logNdtr(tf.neg(z)), tf.zerosLike(z));
    });
  }
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.exp(tf.add(this.loc, tf.mul(this.scale, ndtri(this.value(p, 'p'))))));
  }
  override mean(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.exp(tf.add(this.loc, tf.mul(0.5, tf.square(this.scale))))));
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const s2 = tf.square(this.scale);
      return this.toBatchShape(tf.mul(expm1(s2), tf.exp(tf.add(tf.mul(2, this.loc), s2))));
    });
  }
  override mode(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.exp(tf.sub(this.loc, tf.square(this.scale)))));
  }
  override entropy(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.add(tf.add(this.loc, tf.log(this.scale)), 0.5 + HALF_LOG_TWO_PI)));
  }
}
