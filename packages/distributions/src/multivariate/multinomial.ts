import * as tf from '@tensorflow/tfjs-core';
import { lgamma, logSoftmax, random, softmax, type PRNGKey } from '@probdl/tensor-backend';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, checkVectorEvent, leadingShape, trailingShape, type TensorInput } from '../internal/params.js';
import { isNonNegativeInteger, isNotNaN, isSimplex, syncValues } from '../internal/validation.js';

/** Parameters of {@link Multinomial}: `totalCount` and exactly one of `logits` and `probs`. */
export type MultinomialParams = DistributionOptions & {
  /** Number of trials n, a non-negative integer, batch-shaped. */
  readonly totalCount: TensorInput;
} & (
    | { /** Unnormalised log-probabilities, `[..., K]`. */ readonly logits: TensorInput; readonly probs?: undefined }
    | { /** Probabilities summing to one, `[..., K]`. */ readonly probs: TensorInput; readonly logits?: undefined }
  );

/** Counts vectors with non-negative integer entries summing to `totalCount` (the support of one batch). */
function countsSupport(totalCount: tf.Tensor): Constraint {
  return {
    name: 'multinomialCounts',
    eventRank: 1,
    discrete: true,
    check: (x: tf.Tensor) =>
      tf.tidy(() => {
        const entries = tf.all(tf.logicalAnd(tf.greaterEqual(x, 0), tf.equal(tf.floor(x), x)), -1);
        return tf.logicalAnd(entries, tf.equal(tf.sum(x, -1), totalCount));
      }),
  };
}

/**
 * The multinomial distribution: counts of `totalCount` independent draws from K categories with
 * probabilities `softmax(logits)`. Event shape `[K]`; batch shape
 * `broadcast(totalCount.shape, logits.shape[:-1])`. Built from `probs`, it stores `logits = log p`.
 * `logProb` is -Infinity unless x holds non-negative integers summing to `totalCount`.
 *
 * Sampling draws `max(totalCount)` categorical indices per event on the device and counts them with
 * one-hot sums (draws past each entry's own count are masked). That maximum is read at
 * construction from host numbers, or from a tensor `totalCount` by the validation readback (on
 * WebGPU after `await validate()`); not reparameterised.
 */
export class Multinomial extends Distribution {
  readonly name: string = 'Multinomial';
  readonly totalCount: tf.Tensor;
  readonly logits: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly reparameterized = false;
  private maxCount: number | undefined;

  constructor(params: MultinomialParams) {
    super(params);
    this.totalCount = this.param('totalCount', params.totalCount, (values, shape) => {
      const msg = isNonNegativeInteger(values, shape);
      if (!msg) this.maxCount = values.reduce((a, b) => Math.max(a, b), 0);
      return msg;
    });
    const hasLogits = params.logits !== undefined;
    if (hasLogits === (params.probs !== undefined)) {
      this.dispose();
      throw new TypeError(`${this.name}: pass exactly one of 'logits' and 'probs'`);
    }
    if (params.logits !== undefined) {
      this.logits = this.param('logits', params.logits, isNotNaN);
    } else {
      const probs = this.param('probs', params.probs, isSimplex());
      this.logits = this.own(tf.tidy(() => tf.log(probs)));
    }
    const arg = hasLogits ? 'logits' : 'probs';
    try {
      this.eventShape = trailingShape(this.name, arg, this.logits.shape, 1);
      this.batchShape = broadcastShapes(this.name, { totalCount: this.totalCount.shape, [arg]: leadingShape(this.logits.shape, 1) });
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  get support(): Constraint {
    return countsSupport(this.totalCount);
  }

  /** The probabilities `softmax(logits)`, fresh, `logits.shape`. */
  probsParameter(): tf.Tensor {
    return softmax(this.logits);
  }
  /** The logits as stored, a fresh copy. */
  logitsParameter(): tf.Tensor {
    return this.logits.clone();
  }

  /** The largest totalCount, from the host (numbers or the validation readback) or a synchronous readback. */
  private hostMaxCount(): number {
    if (this.maxCount !== undefined) return this.maxCount;
    const values = syncValues({ tensor: this.totalCount, host: undefined, owned: false });
    if (values === undefined) {
      throw new Error(`${this.name}.sample: a tensor 'totalCount' on WebGPU must be read first: construct with validateArgs and await validate()`);
    }
    this.maxCount = values.reduce((a, b) => Math.max(a, b), 0);
    return this.maxCount;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    const n = this.hostMaxCount();
    const k = this.eventShape[0]!;
    const outer = shape.slice(0, -1);
    if (n === 0 || outer.some((s) => s === 0)) return tf.zeros(shape);
    return tf.tidy(() => {
      const idx = random.categorical(key, this.logits, { shape: [n, ...outer] });
      const hits = tf.reshape(tf.oneHot(tf.reshape(idx, [-1]), k), [n, ...outer, k]);
      const draw = tf.reshape(tf.range(0, n), [n, ...outer.map(() => 1), 1]);
      const live = tf.less(draw, tf.expandDims(this.totalCount, -1));
      return tf.sum(tf.where(live, tf.cast(hits, 'float32'), tf.scalar(0)), 0);
    });
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const k = this.eventShape[0]!;
      checkVectorEvent(this.name, xv, k);
      const logp = logSoftmax(this.logits);
      // x log p with 0 · log 0 = 0 (a category of probability zero that was never drawn).
      const terms = tf.where(tf.equal(xv, 0), tf.zerosLike(tf.add(xv, logp)), tf.mul(xv, logp));
      const safeX = tf.maximum(xv, 0);
      const lp = tf.add(tf.sub(lgamma(tf.add(this.totalCount, 1)), tf.sum(lgamma(tf.add(safeX, 1)), -1)), tf.sum(terms, -1));
      return this.maskOutsideSupport(xv, lp);
    });
  }

  /** `n p`. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.expandDims(this.totalCount, -1), softmax(this.logits)));
  }
  /** `n p (1 - p)`. */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const p = softmax(this.logits);
      return tf.mul(tf.expandDims(this.totalCount, -1), tf.mul(p, tf.sub(1, p)));
    });
  }
  /** `n (diag(p) - p pᵀ)`, `batchShape + [K, K]`. */
  covariance(): tf.Tensor {
    return tf.tidy(() => {
      const p = softmax(this.logits);
      const k = this.eventShape[0]!;
      const m = tf.sub(tf.mul(tf.expandDims(p, -1), tf.eye(k)), tf.mul(tf.expandDims(p, -1), tf.expandDims(p, -2)));
      return tf.mul(tf.reshape(this.totalCount, [...this.totalCount.shape, 1, 1]), m);
    });
  }
}
