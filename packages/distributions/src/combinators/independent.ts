import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import { independent, type KindedConstraint } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import type { Distribution, DistributionOptions } from '../distribution.js';
import type { TensorInput } from '../internal/params.js';
import { requireDistribution, WrappedDistribution } from './wrapped.js';

/** Parameters of {@link Independent}. */
export interface IndependentParams extends DistributionOptions {
  /** The base distribution; its last `reinterpretedBatchNdims` batch dimensions become event dimensions. */
  readonly distribution: Distribution;
  /** How many trailing batch dimensions to reinterpret (default: all of them, like TFP's `None`). */
  readonly reinterpretedBatchNdims?: number;
}

/** Sums `t` over its last `n` axes (a fresh tensor; `t` itself when n = 0 is cloned). */
export function sumLastAxes(t: tf.Tensor, n: number): tf.Tensor {
  if (n === 0) return t.clone();
  const axes = Array.from({ length: n }, (_, i) => t.rank - n + i);
  return tf.sum(t, axes);
}

/** `independent(base, n)` for any constraint (a constraint without a kind gets a plain wrapper). */
function independentConstraint(base: Constraint, n: number): Constraint {
  if (n === 0) return base;
  if ('kind' in base) return independent(base as KindedConstraint, n);
  return {
    name: `independent(${base.name}, ${n})`,
    eventRank: base.eventRank + n,
    discrete: base.discrete,
    check: (x: tf.Tensor) =>
      tf.tidy(() => {
        let b = base.check(x);
        for (let i = 0; i < n; i++) b = tf.all(b, -1);
        return b;
      }),
  };
}

/**
 * Reinterprets the last `reinterpretedBatchNdims` batch dimensions of a distribution as event
 * dimensions (TFP's `Independent`, NumPyro's `to_event`): `logProb` and `entropy` sum over them;
 * `sample`, `mean`, `variance`, `stddev` and `mode` are the base distribution's. A diagonal normal
 * over vectors is `new Independent({ distribution: new Normal({ loc, scale }), reinterpretedBatchNdims: 1 })`.
 *
 * `dispose()` also disposes the base distribution (which frees only the tensors it created itself).
 */
export class Independent extends WrappedDistribution {
  readonly name: string = 'Independent';
  readonly distribution: Distribution;
  readonly reinterpretedBatchNdims: number;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly reparameterized: boolean;

  constructor(params: IndependentParams) {
    super(params);
    const base = requireDistribution(this.name, params.distribution);
    const n = params.reinterpretedBatchNdims ?? base.batchShape.length;
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`${this.name}: argument 'reinterpretedBatchNdims' must be a non-negative integer, got ${n}`);
    }
    if (n > base.batchShape.length) {
      throw new RangeError(
        `${this.name}: argument 'reinterpretedBatchNdims' (${n}) exceeds the rank of the distribution's batch shape [${base.batchShape.join(', ')}]`,
      );
    }
    this.distribution = base;
    this.reinterpretedBatchNdims = n;
    const cut = base.batchShape.length - n;
    this.batchShape = base.batchShape.slice(0, cut);
    this.eventShape = [...base.batchShape.slice(cut), ...base.eventShape];
    this.reparameterized = base.reparameterized;
  }

  override get support(): Constraint {
    return independentConstraint(this.distribution.support, this.reinterpretedBatchNdims);
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => sumLastAxes(this.distribution.logProb(x), this.reinterpretedBatchNdims));
  }
  override sampleAndLogProb(key: PRNGKey, sampleShape?: number | readonly number[]): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const [x, lp] = this.distribution.sampleAndLogProb(key, sampleShape);
      return [x, sumLastAxes(lp, this.reinterpretedBatchNdims)];
    });
  }
  override entropy(): tf.Tensor {
    return tf.tidy(() => sumLastAxes(this.distribution.entropy(), this.reinterpretedBatchNdims));
  }
}
