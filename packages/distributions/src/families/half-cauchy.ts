import * as tf from '@tensorflow/tfjs-core';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import type { ConstraintKind } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import type { DistributionOptions } from '../distribution.js';
import type { TensorInput } from '../internal/params.js';
import { log1pSquare } from './cauchy.js';
import { LocationScaleDistribution } from './location-scale.js';

const LOG_TWO_OVER_PI = Math.log(2 / Math.PI);

/** Parameters of {@link HalfCauchy}. */
export interface HalfCauchyParams extends DistributionOptions {
  /** Location: the lower end of the support. */
  readonly loc: TensorInput;
  /** Scale, > 0. */
  readonly scale: TensorInput;
}

/**
 * The half-Cauchy distribution: loc + |C| with C ~ Cauchy(0, scale), density 2 / (π scale (1 + z²))
 * for x >= loc (TFP's semantics: x = loc is in the support) and 0 below. Samples are reparameterised
 * (loc + scale·tan(π u / 2)). Mean and variance do not exist: `mean()`, `variance()` and `stddev()`
 * return NaN (TFP's allow_nan_stats=True).
 */
export class HalfCauchy extends LocationScaleDistribution {
  private readonly supportConstraint: Constraint;

  constructor(params: HalfCauchyParams) {
    super('HalfCauchy', params);
    const loc = this.loc;
    // `bijectTo` reads `kind`; it is known only for a host scalar loc (x > loc, the interior of the support).
    const kind: ConstraintKind | undefined =
      typeof params.loc === 'number' ? { type: 'greaterThan', bound: params.loc } : undefined;
    this.supportConstraint = Object.freeze({
      name: 'greaterThanOrEqual(loc)',
      eventRank: 0,
      discrete: false,
      ...(kind ? { kind } : {}),
      check: (x: tf.Tensor) => tf.tidy(() => tf.greaterEqual(x, loc)),
    });
  }

  /** x >= loc (elementwise against the loc tensor). */
  override get support(): Constraint {
    return this.supportConstraint;
  }

  /** tan(π u / 2), u uniform on [0, 1). */
  protected standardSample(key: PRNGKey, shape: number[]): tf.Tensor {
    return tf.tidy(() => tf.tan(tf.mul(Math.PI / 2, random.uniform(key, shape))));
  }
  /** tan(πp/2), as cot(π(1 - p)/2) above ½ so that p near 1 keeps precision. */
  protected standardQuantile(p: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const upper = tf.greater(p, 0.5);
      const q = tf.where(upper, tf.sub(1, p), p);
      const t = tf.tan(tf.mul(Math.PI / 2, q));
      return tf.where(upper, tf.reciprocal(t), t);
    });
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const lp = tf.sub(tf.sub(LOG_TWO_OVER_PI, log1pSquare(this.standardize(xv))), tf.log(this.scale));
      return this.maskOutsideSupport(xv, lp);
    });
  }
  /** cdf = (2/π) atan(z) for z >= 0, 0 below. */
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.relu(this.standardize(x));
      return tf.mul(2 / Math.PI, tf.atan(z));
    });
  }
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.log(this.cdf(x)));
  }
  /** survival = (2/π) atan(1/z) = (2/π) atan2(1, z): keeps relative precision in the right tail. */
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.relu(this.standardize(x));
      return tf.mul(2 / Math.PI, tf.atan2(tf.onesLike(z), z));
    });
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.log(this.survival(x)));
  }
  /** NaN: the half-Cauchy mean is infinite / undefined (TFP's allow_nan_stats=True). */
  override mean(): tf.Tensor {
    return this.nanOfBatchShape();
  }
  /** NaN: the half-Cauchy variance does not exist. */
  override variance(): tf.Tensor {
    return this.nanOfBatchShape();
  }
  /** NaN: the half-Cauchy standard deviation does not exist. */
  override stddev(): tf.Tensor {
    return this.nanOfBatchShape();
  }
  override entropy(): tf.Tensor {
    return this.logScalePlus(Math.log(2 * Math.PI));
  }
}
