import * as tf from '@tensorflow/tfjs-core';
import { erf, erfinv, log1p, logNdtr, ndtr, random, type PRNGKey } from '@probdl/tensor-backend';
import { nonNegative } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { type TensorInput } from '../internal/params.js';
import { isPositive } from '../internal/validation.js';

const HALF_LOG_TWO_OVER_PI = 0.5 * Math.log(2 / Math.PI);
const LOG_TWO = Math.log(2);

/** Parameters of {@link HalfNormal}. */
export interface HalfNormalParams extends DistributionOptions {
  /** Scale σ > 0 of the normal that is folded. */
  readonly scale: TensorInput;
}

/**
 * The half-normal distribution: |Y| with Y ~ Normal(0, scale), density √(2/π)/σ · exp(-x²/(2σ²))
 * on x >= 0 (x = 0 included, as in TFP). The survival function is 2Φ(-x/σ), formed with logNdtr so
 * that the upper tail keeps its precision. Samples are reparameterised: σ·|ε|.
 */
export class HalfNormal extends Distribution {
  readonly name: string = 'HalfNormal';
  readonly scale: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;

  constructor(params: HalfNormalParams) {
    super(params);
    this.scale = this.param('scale', params.scale, isPositive);
    this.batchShape = [...this.scale.shape];
  }

  get support(): Constraint {
    return nonNegative;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => tf.mul(this.scale, tf.abs(random.normal(key, shape))));
  }

  /** Whether x >= 0, and z = max(x, 0) / scale, broadcast to the output shape. */
  private standardized(x: TensorInput): { inside: tf.Tensor; z: tf.Tensor } {
    const xv = this.value(x);
    const z = tf.div(tf.maximum(xv, 0), this.scale);
    return { inside: tf.broadcastTo(tf.greaterEqual(xv, 0), z.shape), z };
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { inside, z } = this.standardized(x);
      const lp = tf.sub(tf.sub(HALF_LOG_TWO_OVER_PI, tf.log(this.scale)), tf.mul(0.5, tf.square(z)));
      return tf.where(inside, lp, tf.fill(lp.shape, -Infinity));
    });
  }
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => erf(tf.mul(this.standardized(x).z, Math.SQRT1_2)));
  }
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { z } = this.standardized(x);
      // log(1 - 2Φ(-z)) for z > 1 keeps the digits near 0 that log(erf) would round away.
      const big = tf.greater(z, 1);
      const tail = log1p(tf.neg(tf.mul(2, ndtr(tf.neg(tf.where(big, z, tf.onesLike(z)))))));
      const small = tf.log(erf(tf.mul(tf.where(big, tf.onesLike(z), z), Math.SQRT1_2)));
      return tf.where(big, tail, small);
    });
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.exp(this.logSurvival(x)));
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.add(logNdtr(tf.neg(this.standardized(x).z)), LOG_TWO));
  }
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.mul(this.scale, tf.mul(erfinv(this.value(p, 'p')), Math.SQRT2)));
  }
  override mean(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.mul(this.scale, Math.sqrt(2 / Math.PI))));
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.mul(tf.square(this.scale), 1 - 2 / Math.PI)));
  }
  override stddev(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.mul(this.scale, Math.sqrt(1 - 2 / Math.PI))));
  }
  override mode(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.zerosLike(this.scale)));
  }
  override entropy(): tf.Tensor {
    // log(σ √(πe/2)).
    return tf.tidy(() => this.toBatchShape(tf.add(tf.log(this.scale), 0.5 * Math.log((Math.PI * Math.E) / 2))));
  }
}
