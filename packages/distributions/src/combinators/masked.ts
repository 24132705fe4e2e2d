import * as tf from '@tensorflow/tfjs-core';
import type { Distribution, DistributionOptions } from '../distribution.js';
import { broadcastShapes, hostValues, isTensor, sameShape, type TensorInput } from '../internal/params.js';
import { Expanded } from './expanded.js';
import { requireDistribution, WrappedDistribution } from './wrapped.js';

/** Parameters of {@link Masked}. */
export interface MaskedParams extends DistributionOptions {
  /** The base distribution. */
  readonly distribution: Distribution;
  /**
   * Which batch entries count: a boolean, a bool tensor, or numbers / arrays / tensors read as
   * `!= 0`; its shape broadcasts with the base's batch shape.
   */
  readonly mask: boolean | TensorInput;
}

/**
 * NumPyro's `MaskedDistribution` (`dist.mask(mask)`): `logProb(x)` is the base's where `mask` is
 * true and 0 where it is false, so masked-out observations drop out of a model's log density (and
 * their gradients are 0). The batch shape is `broadcast(mask.shape, base.batchShape)`; when that is
 * larger than the base's, the base is {@link Expanded} to it. `sample`, moments and the support are
 * the (expanded) base's.
 *
 * `dispose()` also disposes the base distribution (which frees only the tensors it created itself).
 */
export class Masked extends WrappedDistribution {
  readonly name: string = 'Masked';
  /** The base distribution, expanded to `batchShape` when the mask enlarges it. */
  readonly distribution: Distribution;
  /** The mask as a bool tensor. */
  readonly mask: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly reparameterized: boolean;

  constructor(params: MaskedParams) {
    super(params);
    const base = requireDistribution(this.name, params.distribution);
    this.mask = this.toMask(params.mask);
    this.batchShape = broadcastShapes(this.name, { distribution: base.batchShape, mask: this.mask.shape });
    this.distribution = sameShape(base.batchShape, this.batchShape) ? base : new Expanded({ distribution: base, batchShape: this.batchShape });
    this.eventShape = [...base.eventShape];
    this.reparameterized = base.reparameterized;
  }

  private toMask(m: boolean | TensorInput | undefined): tf.Tensor {
    if (m === undefined) throw new TypeError(`${this.name}: argument 'mask' is required`);
    if (typeof m === 'boolean') return this.own(tf.scalar(m, 'bool'));
    if (isTensor(m)) {
      if (m.isDisposed) throw new Error(`${this.name}: argument 'mask' is a disposed tensor`);
      return m.dtype === 'bool' ? m : this.own(tf.tidy(() => tf.notEqual(m, 0)));
    }
    const h = hostValues(this.name, 'mask', m);
    return this.own(tf.tensor(Uint8Array.from(h.values, (v) => (v !== 0 ? 1 : 0)), h.shape, 'bool'));
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const lp = this.distribution.logProb(x);
      const shape = broadcastShapes(this.name, { x: lp.shape, mask: this.mask.shape });
      return tf.where(tf.broadcastTo(this.mask, shape), tf.broadcastTo(lp, shape), tf.zeros(shape));
    });
  }
}
