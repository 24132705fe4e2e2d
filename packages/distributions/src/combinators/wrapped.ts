import type * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import type { Constraint } from '../constraints/types.js';
import { Distribution } from '../distribution.js';

/** `d` itself when it is a Distribution; otherwise a TypeError naming the family's `distribution` argument. */
export function requireDistribution(family: string, d: unknown): Distribution {
  if (!(d instanceof Distribution)) throw new TypeError(`${family}: argument 'distribution' must be a Distribution`);
  return d;
}

/**
 * A combinator around one base distribution that it owns: the support, `sample` and the moments
 * pass through to the base (subclasses override what they change), `validate()` validates the
 * base and `dispose()` disposes it too.
 */
export abstract class WrappedDistribution extends Distribution {
  /** The base distribution. */
  abstract readonly distribution: Distribution;

  get support(): Constraint {
    return this.distribution.support;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    return this.distribution.sample(key, sampleShape);
  }

  override mean(): tf.Tensor {
    return this.distribution.mean();
  }
  override variance(): tf.Tensor {
    return this.distribution.variance();
  }
  override stddev(): tf.Tensor {
    return this.distribution.stddev();
  }
  override mode(): tf.Tensor {
    return this.distribution.mode();
  }
  override async validate(): Promise<this> {
    await this.distribution.validate();
    return this;
  }
  override dispose(): void {
    this.distribution.dispose();
    super.dispose();
  }
}
