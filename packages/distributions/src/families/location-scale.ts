import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import { real } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isFinite, isPositive } from '../internal/validation.js';

/** The parameters every location-scale family takes. */
export interface LocationScaleParams extends DistributionOptions {
  readonly loc: TensorInput;
  readonly scale: TensorInput;
}

/**
 * A family of scalar distributions x = loc + scale·z with z from a standard member: the shared
 * `loc` / `scale` parameters (finite loc, positive scale), their broadcast batch shape, the
 * standardised value, and the reparameterised `sample` and `icdf` from the standard member's
 * sampler and quantile. Subclasses give `standardSample` and `standardQuantile`.
 */
export abstract class LocationScaleDistribution extends Distribution {
  readonly name: string;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;

  protected constructor(name: string, params: LocationScaleParams) {
    super(params);
    this.name = name;
    this.loc = this.param('loc', params.loc, isFinite);
    this.scale = this.param('scale', params.scale, isPositive);
    this.batchShape = broadcastShapes(this.name, { loc: this.loc.shape, scale: this.scale.shape });
  }

  /** Draws of the standard member (loc 0, scale 1), shape `shape`. */
  protected abstract standardSample(key: PRNGKey, shape: number[]): tf.Tensor;
  /** The standard member's quantile at p. */
  protected abstract standardQuantile(p: tf.Tensor): tf.Tensor;

  get support(): Constraint {
    return real;
  }

  /** loc + scale·z with z a draw of the standard member (reparameterised). */
  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, this.standardSample(key, shape))));
  }

  /** loc + scale·(the standard member's quantile at p). */
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, this.standardQuantile(this.value(p, 'p')))));
  }

  /** loc, broadcast to the batch shape. */
  override mode(): tf.Tensor {
    return this.toBatchShape(this.loc);
  }

  /** The standardised value (x - loc) / scale. */
  protected standardize(x: TensorInput): tf.Tensor {
    return tf.div(tf.sub(this.value(x), this.loc), this.scale);
  }

  /** log(scale) + c, broadcast to the batch shape (the entropy of most location-scale families). */
  protected logScalePlus(c: number): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.add(tf.log(this.scale), c)));
  }

  /** NaN of the batch shape, for moments that do not exist (TFP's allow_nan_stats=True). */
  protected nanOfBatchShape(): tf.Tensor {
    return tf.fill([...this.batchShape], NaN);
  }
}

/**
 * A location-scale family whose standard member is symmetric about 0, so the survival function
 * is the cdf at -z. Subclasses give `standardCdf` and `standardLogCdf`; the mean is loc.
 */
export abstract class SymmetricLocationScaleDistribution extends LocationScaleDistribution {
  /** The standard member's cdf at z. */
  protected abstract standardCdf(z: tf.Tensor): tf.Tensor;
  /** The standard member's log cdf at z. */
  protected abstract standardLogCdf(z: tf.Tensor): tf.Tensor;

  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.standardCdf(this.standardize(x)));
  }
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.standardLogCdf(this.standardize(x)));
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.standardCdf(tf.neg(this.standardize(x))));
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.standardLogCdf(tf.neg(this.standardize(x))));
  }
  /** loc, broadcast to the batch shape. */
  override mean(): tf.Tensor {
    return this.toBatchShape(this.loc);
  }
}
