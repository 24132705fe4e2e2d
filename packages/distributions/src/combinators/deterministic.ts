import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import { independent, real } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, NotDefinedError, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isFinite, isNonNegative } from '../internal/validation.js';
import { sumLastAxes } from './independent.js';

/** Parameters of {@link Deterministic}. */
export interface DeterministicParams extends DistributionOptions {
  /** The point the whole mass sits on; its last `eventNdims` dimensions are the event. */
  readonly loc: TensorInput;
  /** Absolute tolerance of the equality test in `logProb` and `cdf` (default 0), >= 0. */
  readonly atol?: TensorInput;
  /** Relative tolerance (of |loc|) of the equality test (default 0), >= 0. */
  readonly rtol?: TensorInput;
  /** How many trailing dimensions of `loc` form one event (default 0: scalar events; 1 is TFP's `VectorDeterministic`). */
  readonly eventNdims?: number;
}

/**
 * A point mass at `loc` (TFP's `Deterministic`; with `eventNdims` 1 its `VectorDeterministic`):
 * `logProb(x)` is 0 where |x - loc| <= atol + rtol·|loc| (elementwise, over the whole event) and
 * -Infinity elsewhere; `sample` is `loc` broadcast to the sample shape (reparameterised: gradients
 * flow to `loc`); `mean` = `mode` = `loc`; `variance`, `stddev` and `entropy` are 0; for scalar
 * events `cdf` is the step 1{x >= loc - slack}.
 */
export class Deterministic extends Distribution {
  /** 'Deterministic' (a getter, so that a subclass's errors name the subclass even from this constructor). */
  get name(): string {
    return 'Deterministic';
  }
  readonly loc: tf.Tensor;
  readonly atol: tf.Tensor | undefined;
  readonly rtol: tf.Tensor | undefined;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly reparameterized = true;

  constructor(params: DeterministicParams) {
    super(params);
    this.loc = this.param('loc', params.loc, isFinite);
    this.atol = params.atol === undefined ? undefined : this.param('atol', params.atol, isNonNegative);
    this.rtol = params.rtol === undefined ? undefined : this.param('rtol', params.rtol, isNonNegative);
    const n = params.eventNdims ?? 0;
    if (!Number.isInteger(n) || n < 0 || n > this.loc.rank) {
      this.dispose();
      throw new RangeError(`${this.name}: argument 'eventNdims' must be an integer in [0, rank of 'loc' = ${this.loc.rank}], got ${n}`);
    }
    const shape = broadcastShapes(this.name, { loc: this.loc.shape, ...(this.atol ? { atol: this.atol.shape } : {}), ...(this.rtol ? { rtol: this.rtol.shape } : {}) });
    if (shape.length !== this.loc.rank || shape.some((d, i) => d !== this.loc.shape[i])) {
      this.dispose();
      throw new RangeError(`${this.name}: arguments 'atol' and 'rtol' must broadcast to the shape of 'loc' [${this.loc.shape.join(', ')}]`);
    }
    this.batchShape = this.loc.shape.slice(0, this.loc.rank - n);
    this.eventShape = this.loc.shape.slice(this.loc.rank - n);
  }

  get support(): Constraint {
    return independent(real, this.eventShape.length);
  }

  /** The tolerance atol + rtol·|loc| (a number 0 when neither is given). */
  private slack(): tf.Tensor | number {
    const a = this.atol;
    const r = this.rtol ? tf.mul(this.rtol, tf.abs(this.loc)) : undefined;
    if (a && r) return tf.add(a, r);
    return a ?? r ?? 0;
  }

  /** `loc` broadcast to `sampleShape + batchShape + eventShape` (the key is unused: a point mass draws nothing). */
  sample(_key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => tf.broadcastTo(this.loc, shape).clone());
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const inside = tf.lessEqual(tf.abs(tf.sub(xv, this.loc)), this.slack());
      const lp = tf.where(inside, tf.zeros(inside.shape), tf.fill(inside.shape, -Infinity));
      return sumLastAxes(lp, this.eventShape.length);
    });
  }
  override cdf(x: TensorInput): tf.Tensor {
    if (this.eventShape.length !== 0) throw new NotDefinedError(this.name, 'cdf', 'defined for scalar events only');
    return tf.tidy(() => tf.cast(tf.greaterEqual(this.value(x), tf.sub(this.loc, this.slack())), 'float32'));
  }
  override mean(): tf.Tensor {
    return this.loc.clone();
  }
  override mode(): tf.Tensor {
    return this.loc.clone();
  }
  override variance(): tf.Tensor {
    return tf.zeros(this.loc.shape);
  }
  override stddev(): tf.Tensor {
    return tf.zeros(this.loc.shape);
  }
  /** 0 (the entropy of a point mass with respect to counting measure, as TFP returns). */
  override entropy(): tf.Tensor {
    return tf.zeros(this.batchShape as number[]);
  }
}

/** Parameters of {@link Delta}. */
export interface DeltaParams extends DeterministicParams {
  /** A log density added to `logProb` where x = loc (NumPyro's `log_density`, default 0), broadcasting with the batch shape. */
  readonly logDensity?: TensorInput;
}

/**
 * NumPyro's `Delta(v, log_density)`: a {@link Deterministic} at `loc` whose `logProb` is `logDensity`
 * (default 0) at `loc` and -Infinity elsewhere; use `eventNdims` for NumPyro's `event_dim`.
 */
export class Delta extends Deterministic {
  override get name(): string {
    return 'Delta';
  }
  readonly logDensity: tf.Tensor | undefined;

  constructor(params: DeltaParams) {
    super(params);
    this.logDensity = params.logDensity === undefined ? undefined : this.param('logDensity', params.logDensity);
    if (this.logDensity) {
      const b = broadcastShapes(this.name, { 'loc batch shape': this.batchShape, logDensity: this.logDensity.shape });
      if (b.length !== this.batchShape.length || b.some((d, i) => d !== this.batchShape[i])) {
        this.dispose();
        throw new RangeError(`${this.name}: argument 'logDensity' of shape [${this.logDensity.shape.join(', ')}] must broadcast to the batch shape [${this.batchShape.join(', ')}]`);
      }
    }
  }

  override logProb(x: TensorInput): tf.Tensor {
    if (!this.logDensity) return super.logProb(x);
    return tf.tidy(() => tf.add(super.logProb(x), this.logDensity!));
  }
}
