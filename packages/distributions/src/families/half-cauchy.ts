import * as tf from '@tensorflow/tfjs-core';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import type { ConstraintKind } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isFinite, isPositive } from '../internal/validation.js';
import { log1pSquare } from './cauchy.js';

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
export class HalfCauchy extends Distribution {
  readonly name: string = 'HalfCauchy';
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;
  private readonly supportConstraint: Constraint;

  constructor(params: HalfCauchyParams) {
    super(params);
    this.loc = this.param('loc', params.loc, isFinite);
    this.scale = this.param('scale', params.scale, isPositive);
    this.batchShape = broadcastShapes(this.name, { loc: this.loc.shape, scale: this.scale.shape });
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
  get support(): Constraint {
    return this.supportConstraint;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => {
      const u = random.uniform(key, shape);
      return tf.add(this.loc, tf.mul(this.scale, tf.tan(tf.mul(Math.PI / 2, u))));
    });
  }

  private z(x: tf.Tensor): tf.Tensor {
    return tf.div(tf.sub(x, this.loc), this.scale);
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const lp = tf.sub(tf.sub(LOG_TWO_OVER_PI, log1pSquare(this.z(xv))), tf.log(this.scale));
      return this.maskOutsideSupport(xv, lp);
    });
  }
  /** cdf = (2/π) atan(z) for z >= 0, 0 below. */
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.relu(this.z(this.value(x)));
      return tf.mul(2 / Math.PI, tf.atan(z));
    });
  }
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.log(this.cdf(x)));
  }
  /** survival = (2/π) atan(1/z) = (2/π) atan2(1, z): keeps relative precision in the right tail. */
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.relu(this.z(this.value(x)));
      return tf.mul(2 / Math.PI, tf.atan2(tf.onesLike(z), z));
    });
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.log(this.survival(x)));
  }
  /** loc + scale·tan(πp/2), as scale·cot(π(1 - p)/2) above ½ so that p near 1 keeps precision. */
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const pv = this.value(p, 'p');
      const upper = tf.greater(pv, 0.5);
      const q = tf.where(upper, tf.sub(1, pv), pv);
      const t = tf.tan(tf.mul(Math.PI / 2, q));
      return tf.add(this.loc, tf.mul(this.scale, tf.where(upper, tf.reciprocal(t), t)));
    });
  }
  /** NaN: the half-Cauchy mean is infinite / undefined (TFP's allow_nan_stats=True). */
  override mean(): tf.Tensor {
    return tf.fill([...this.batchShape], NaN);
  }
  /** NaN: the half-Cauchy variance does not exist. */
  override variance(): tf.Tensor {
    return tf.fill([...this.batchShape], NaN);
  }
  /** NaN: the half-Cauchy standard deviation does not exist. */
  override stddev(): tf.Tensor {
    return tf.fill([...this.batchShape], NaN);
  }
  override mode(): tf.Tensor {
    return this.toBatchShape(this.loc);
  }
  override entropy(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.add(tf.log(this.scale), Math.log(2 * Math.PI))));
  }
}
