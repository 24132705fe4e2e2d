import * as tf from '@tensorflow/tfjs-core';
import { expm1, log1p, random, type PRNGKey } from '@probdl/tensor-backend';
import { nonNegative } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { type TensorInput } from '../internal/params.js';
import { isPositive } from '../internal/validation.js';

/** Parameters of {@link Exponential}. */
export interface ExponentialParams extends DistributionOptions {
  /** Rate λ > 0 (the mean is 1/λ). */
  readonly rate: TensorInput;
}

/**
 * log(1 - e^d) for d <= 0, without cancellation: log(-expm1(d)) near 0, log1p(-e^d) below -log 2
 * (Mächler's log1mexp).
 *
 * @internal Shared with the other continuous families; not part of the public API.
 */
export function log1mexp(d: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const near = tf.greater(d, -Math.LN2);
    const dn = tf.where(near, d, tf.fill(d.shape, -1));
    const df = tf.where(near, tf.fill(d.shape, -1), d);
    return tf.where(near, tf.log(tf.neg(expm1(dn))), log1p(tf.neg(tf.exp(df))));
  });
}

/**
 * The exponential distribution λ e^(-λx) on x >= 0 (logProb(0) = log λ, as in TFP). The CDF is
 * -expm1(-λx) and its log is log1mexp(-λx), accurate near 0 and in the upper tail. Samples are
 * reparameterised: -log1p(-u)/λ with u uniform on [0, 1).
 */
export class Exponential extends Distribution {
  readonly name: string = 'Exponential';
  readonly rate: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;

  constructor(params: ExponentialParams) {
    super(params);
    this.rate = this.param('rate', params.rate, isPositive);
    this.batchShape = [...this.rate.shape];
  }

  get support(): Constraint {
    return nonNegative;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => tf.div(tf.neg(log1p(tf.neg(random.uniform(key, shape)))), this.rate));
  }

  /** Whether x >= 0, and y = λ max(x, 0), broadcast to the output shape. */
  private scaled(x: TensorInput): { inside: tf.Tensor; y: tf.Tensor } {
    const xv = this.value(x);
    const y = tf.mul(this.rate, tf.maximum(xv, 0));
    return { inside: tf.broadcastTo(tf.greaterEqual(xv, 0), y.shape), y };
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { inside, y } = this.scaled(x);
      const lp = tf.sub(tf.log(this.rate), y);
      return tf.where(inside, lp, tf.fill(lp.shape, -Infinity));
    });
  }
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.neg(expm1(tf.neg(this.scaled(x).y))));
  }
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => log1mexp(tf.neg(this.scaled(x).y)));
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.exp(tf.neg(this.scaled(x).y)));
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.neg(this.scaled(x).y));
  }
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.div(tf.neg(log1p(tf.neg(this.value(p, 'p')))), this.rate));
  }
  override mean(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.div(1, this.rate)));
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.div(1, tf.square(this.rate))));
  }
  override stddev(): tf.Tensor {
    return this.mean();
  }
  override mode(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.zerosLike(this.rate)));
  }
  override entropy(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.sub(1, tf.log(this.rate))));
  }
}
