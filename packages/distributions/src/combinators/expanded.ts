import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import type { Distribution, DistributionOptions } from '../distribution.js';
import { broadcastShapes, normalizeSampleShape, type TensorInput } from '../internal/params.js';
import { requireDistribution, WrappedDistribution } from './wrapped.js';

/** Parameters of {@link Expanded}. */
export interface ExpandedParams extends DistributionOptions {
  /** The base distribution; its batch shape must broadcast to `batchShape`. */
  readonly distribution: Distribution;
  /** The new batch shape (numpy broadcasting: the base's dimensions are 1 or equal, right-aligned). */
  readonly batchShape: readonly number[];
}

/** Whether `from` broadcasts to `to` (right-aligned, each dimension 1 or equal). */
export function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  const off = to.length - from.length;
  return off >= 0 && from.every((d, i) => d === 1 || d === to[off + i]);
}

/**
 * A distribution with its batch shape enlarged by broadcasting (NumPyro's `ExpandedDistribution`,
 * `dist.expand(batchShape)`; TFP's `BatchBroadcast`): the new batch members are independent copies,
 * so `sample` draws independently for every new batch entry, and `logProb`, `cdf`, moments and
 * `entropy` are the base's broadcast to the new batch shape.
 *
 * `dispose()` also disposes the base distribution (which frees only the tensors it created itself).
 */
export class Expanded extends WrappedDistribution {
  readonly name: string = 'Expanded';
  readonly distribution: Distribution;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly reparameterized: boolean;

  constructor(params: ExpandedParams) {
    super(params);
    const base = requireDistribution(this.name, params.distribution);
    const b = params.batchShape;
    if (!Array.isArray(b) || b.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new RangeError(`${this.name}: argument 'batchShape' must be an array of non-negative integers`);
    }
    if (!broadcastsTo(base.batchShape, b)) {
      throw new RangeError(
        `${this.name}: argument 'batchShape' [${b.join(', ')}] is not a broadcast of the distribution's batch shape [${base.batchShape.join(', ')}]`,
      );
    }
    this.distribution = base;
    this.batchShape = [...b];
    this.eventShape = [...base.eventShape];
    this.reparameterized = base.reparameterized;
  }

  /**
   * Draws the base with the expanded dimensions as extra sample dimensions, then moves each
   * expanded interior dimension into the base's size-1 batch slot.
   */
  override sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const s = normalizeSampleShape(this.name, sampleShape);
    const base = this.distribution.batchShape;
    const nb = base.length;
    const off = this.batchShape.length - nb;
    const lead = this.batchShape.slice(0, off);
    const interior: number[] = [];
    for (let j = 0; j < nb; j++) if (base[j] === 1 && this.batchShape[off + j] !== 1) interior.push(j);
    return tf.tidy(() => {
      const draw = this.distribution.sample(key, [...s, ...lead, ...interior.map((j) => this.batchShape[off + j]!)]);
      if (interior.length === 0) return draw;
      // axes of draw: [S | lead | interior sizes | base batch | event]
      const p0 = s.length + lead.length;
      const perm: number[] = Array.from({ length: p0 }, (_, i) => i);
      const baseStart = p0 + interior.length;
      for (let j = 0; j < nb; j++) {
        const at = interior.indexOf(j);
        perm.push(at >= 0 ? p0 + at : baseStart + j);
      }
      for (let e = baseStart + nb; e < draw.rank; e++) perm.push(e);
      for (const j of interior) perm.push(baseStart + j); // the size-1 slots, moved last
      const moved = tf.transpose(draw, perm);
      return tf.reshape(moved, [...s, ...this.batchShape, ...this.eventShape]);
    });
  }

  /** `t` (shape `[...b, ...tail]`) broadcast so its batch part covers the new batch shape. */
  private expand(t: tf.Tensor, tailRank: number): tf.Tensor {
    const head = broadcastShapes(this.name, { x: t.shape.slice(0, t.rank - tailRank), batchShape: this.batchShape });
    return tf.broadcastTo(t, [...head, ...t.shape.slice(t.rank - tailRank)]).clone();
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.expand(this.distribution.logProb(x), 0));
  }
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.expand(this.distribution.cdf(x), 0));
  }
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.expand(this.distribution.logCdf(x), 0));
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.expand(this.distribution.survival(x), 0));
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.expand(this.distribution.logSurvival(x), 0));
  }
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => this.expand(this.distribution.icdf(p), this.eventShape.length));
  }
  override mean(): tf.Tensor {
    return tf.tidy(() => this.expand(this.distribution.mean(), this.eventShape.length));
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => this.expand(this.distribution.variance(), this.eventShape.length));
  }
  override stddev(): tf.Tensor {
    return tf.tidy(() => this.expand(this.distribution.stddev(), this.eventShape.length));
  }
  override mode(): tf.Tensor {
    return tf.tidy(() => this.expand(this.distribution.mode(), this.eventShape.length));
  }
  override entropy(): tf.Tensor {
    return tf.tidy(() => this.expand(this.distribution.entropy(), 0));
  }
}
