import * as tf from '@tensorflow/tfjs-core';
import { log1p, random, type PRNGKey } from '@probdl/tensor-backend';
import { real } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isFinite, isPositive } from '../internal/validation.js';

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
export class Laplace extends Distribution {
  readonly name: string = 'Laplace';
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;

  constructor(params: LaplaceParams) {
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
    return tf.tidy(() => {
      const u = random.uniform(key, shape, { minval: NEXT_ABOVE_MINUS_ONE, maxval: 1 });
      return tf.sub(this.loc, tf.mul(this.scale, tf.mul(tf.sign(u), log1p(tf.neg(tf.abs(u))))));
    });
  }

  private z(x: TensorInput): tf.Tensor {
    return tf.div(tf.sub(this.value(x), this.loc), this.scale);
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.neg(tf.add(tf.abs(this.z(x)), tf.log(tf.mul(this.scale, 2)))));
  }
  /** ½ e^z below loc, 1 - ½ e^-z above. */
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => lowerTail(this.z(x)));
  }
  /** z - log 2 below loc, log1p(-½ e^-z) above: finite and accurate in both tails. */
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => logLowerTail(this.z(x)));
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => lowerTail(tf.neg(this.z(x))));
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => logLowerTail(tf.neg(this.z(x))));
  }
  /** loc - scale·sign(p - ½)·log1p(-2|p - ½|). */
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const d = tf.sub(this.value(p, 'p'), 0.5);
      return tf.sub(this.loc, tf.mul(this.scale, tf.mul(tf.sign(d), log1p(tf.mul(-2, tf.abs(d))))));
    });
  }
  override mean(): tf.Tensor {
    return this.toBatchShape(this.loc);
  }
  override mode(): tf.Tensor {
    return this.mean();
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
