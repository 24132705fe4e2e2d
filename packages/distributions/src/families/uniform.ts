import * as tf from '@tensorflow/tfjs-core';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isFinite } from '../internal/validation.js';

/**
 * The interval between two parameter tensors, as a {@link Constraint} (the constraints module's
 * `interval` takes numbers): `low <= x <= high`, or `low <= x < high` when `highOpen`. Its check
 * broadcasts x against the bounds. `bijectTo` cannot dispatch on it (it has no `kind`).
 *
 * @internal Shared with the other continuous families; not part of the public API.
 */
export function tensorInterval(low: tf.Tensor, high: tf.Tensor, highOpen = false): Constraint {
  return Object.freeze({
    name: highOpen ? 'interval[low, high)' : 'interval[low, high]',
    eventRank: 0,
    discrete: false,
    check: (x: tf.Tensor) => tf.tidy(() => tf.logicalAnd(tf.greaterEqual(x, low), highOpen ? tf.less(x, high) : tf.lessEqual(x, high))),
  });
}

/**
 * Checker of the derived tensor high - low (validation of 'high'): every entry must be positive.
 *
 * @internal Shared with the other continuous families; not part of the public API.
 */
export function isAboveLow(values: Float64Array, shape: readonly number[]): string | undefined {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v > 0)) return `must be greater than 'low', got high - low = ${v}${shape.length === 0 ? '' : ` at flat index ${i} of shape [${shape.join(', ')}]`}`;
  }
  return undefined;
}

/** Parameters of {@link Uniform}. */
export interface UniformParams extends DistributionOptions {
  /** Lower bound (inclusive). */
  readonly low: TensorInput;
  /** Upper bound (exclusive), > low. */
  readonly high: TensorInput;
}

/**
 * The uniform distribution on [low, high): the support excludes `high`, like TFP and PyTorch
 * (scipy includes it), so `logProb(high)` is -Infinity; the CDF is 1 from `high` on. Samples are
 * reparameterised: low + (high - low)·u with u uniform on [0, 1).
 */
export class Uniform extends Distribution {
  readonly name: string = 'Uniform';
  readonly low: tf.Tensor;
  readonly high: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;

  constructor(params: UniformParams) {
    super(params);
    this.low = this.param('low', params.low, isFinite);
    this.high = this.param('high', params.high, isFinite);
    this.batchShape = broadcastShapes(this.name, { low: this.low.shape, high: this.high.shape });
    if (this.validateArgs) this.checkTensor('high', this.own(tf.sub(this.high, this.low)), isAboveLow);
  }

  get support(): Constraint {
    return tensorInterval(this.low, this.high, true);
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => tf.add(this.low, tf.mul(this.range(), random.uniform(key, shape))));
  }

  private range(): tf.Tensor {
    return tf.sub(this.high, this.low);
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const lp = tf.neg(tf.log(this.range()));
      const inside = tf.logicalAnd(tf.greaterEqual(xv, this.low), tf.less(xv, this.high));
      const shape = tf.broadcast_util.assertAndGetBroadcastShape(inside.shape, lp.shape);
      return tf.where(inside, tf.broadcastTo(lp, shape), tf.fill(shape, -Infinity));
    });
  }
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.clipByValue(tf.div(tf.sub(this.value(x), this.low), this.range()), 0, 1));
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.clipByValue(tf.div(tf.sub(this.high, this.value(x)), this.range()), 0, 1));
  }
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.add(this.low, tf.mul(this.range(), this.value(p, 'p'))));
  }
  override mean(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.mul(tf.add(this.low, this.high), 0.5)));
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.div(tf.square(this.range()), 12)));
  }
  override stddev(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.div(this.range(), Math.sqrt(12))));
  }
  override entropy(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.log(this.range())));
  }
}
