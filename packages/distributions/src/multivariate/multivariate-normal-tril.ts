import * as tf from '@tensorflow/tfjs-core';
import { random, triangularSolve, type PRNGKey } from '@probdl/tensor-backend';
import { realVector } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, checkVectorEvent, leadingShape, trailingShape, type TensorInput } from '../internal/params.js';
import { isFinite } from '../internal/validation.js';
import { isLowerTriangularPositiveDiagonal } from './matrix-checks.js';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** 1 on and below the diagonal, 0 above, `[d, d]`. */
function lowerMask(d: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.greaterEqual(tf.expandDims(tf.range(0, d), 1), tf.expandDims(tf.range(0, d), 0)), 'float32'));
}

/** Parameters of {@link MultivariateNormalTriL}. */
export interface MultivariateNormalTriLParams extends DistributionOptions {
  /** Mean, `[..., d]`. */
  readonly loc: TensorInput;
  /** Lower-triangular scale `L` with a positive diagonal, `[..., d, d]`; the covariance is `L Lᵀ`. */
  readonly scaleTril: TensorInput;
}

/** What a subclass derives from its own parameters: the lower factor and where it came from. */
export interface MultivariateNormalScale {
  /**
   * The lower-triangular factor `L`, `[..., d, d]`; undefined when the subclass builds it on demand
   * from its own parameter (`MultivariateNormalDiag`, see `denseScaleTril`).
   */
  readonly scaleTril: tf.Tensor | undefined;
  /** The event size d. */
  readonly eventSize: number;
  /** The argument it came from (named in shape errors). */
  readonly arg: string;
  /** That argument's batch shape. */
  readonly batchShape: readonly number[];
  /** The parameter tensor itself (`scaleTril`, `scaleDiag` or `covarianceMatrix`). */
  readonly source: tf.Tensor;
}

/**
 * The multivariate normal N(loc, L Lᵀ) with a lower-triangular scale `L` (TFP's
 * `MultivariateNormalTriL`). Event shape `[d]`; batch shape `broadcast(loc.shape[:-1],
 * scaleTril.shape[:-2])`. Only the lower triangle of `scaleTril` is read. Samples are
 * reparameterised (`loc + L ε`). {@link MultivariateNormalDiag} and
 * {@link MultivariateNormalFullCovariance} are subclasses, so the code and the KL table treat
 * all three as one.
 */
export class MultivariateNormalTriL extends Distribution {
  /** The family name (a getter, so that subclasses name themselves in errors raised while constructing). */
  get name(): string {
    return 'MultivariateNormalTriL';
  }
  readonly loc: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly reparameterized = true;
  /** The scale parameter as given (`scaleTril`, `scaleDiag` or `covarianceMatrix`). */
  protected readonly scaleSource: tf.Tensor;
  private trilCache: tf.Tensor | undefined;

  constructor(params: MultivariateNormalTriLParams) {
    super(params);
    this.loc = this.param('loc', params.loc, isFinite);
    const scale = this.guard(() => {
      trailingShape(this.name, 'loc', this.loc.shape, 1);
      return this.buildScale(params);
    });
    this.trilCache = scale.scaleTril;
    this.scaleSource = scale.source;
    const d = scale.eventSize;
    const locD = this.loc.shape[this.loc.rank - 1]!;
    this.batchShape = this.guard(() => {
      if (locD !== d) {
        throw new RangeError(`${this.name}: argument 'loc' has event size ${locD} but '${scale.arg}' has event size ${d}`);
      }
      return broadcastShapes(this.name, { loc: leadingShape(this.loc.shape, 1), [scale.arg]: scale.batchShape });
    });
    this.eventShape = [d];
  }

  /**
   * Converts and validates the scale parameter of this family (`scaleTril` here; subclasses
   * override it). Called once by the constructor, after `loc`.
   */
  protected buildScale(params: MultivariateNormalTriLParams): MultivariateNormalScale {
    const l = this.param('scaleTril', params.scaleTril, isLowerTriangularPositiveDiagonal);
    if (l.rank < 2 || l.shape[l.rank - 1] !== l.shape[l.rank - 2]) {
      throw new RangeError(`${this.name}: argument 'scaleTril' must have shape [..., d, d], got [${l.shape.join(', ')}]`);
    }
    return { scaleTril: l, arg: 'scaleTril', eventSize: l.shape[l.rank - 1]!, batchShape: leadingShape(l.shape, 2), source: l };
  }

  /**
   * The lower-triangular scale `L`, `[..., d, d]` (for the subclasses, the factor derived from their
   * parameter). MultivariateNormalDiag forms its `diag(scaleDiag)` only when this is first read
   * (its own methods never need it): inside a `tf.tidy` that matrix belongs to the tidy and is
   * formed again on a later read; outside one, `dispose` frees it.
   */
  get scaleTril(): tf.Tensor {
    if (this.trilCache === undefined || this.trilCache.isDisposed) this.trilCache = this.own(this.denseScaleTril());
    return this.trilCache;
  }

  /** Forms `scaleTril` for subclasses that do not store it (called by the `scaleTril` getter). */
  protected denseScaleTril(): tf.Tensor {
    throw new Error(`${this.name}: no scaleTril`);
  }

  /** Runs `f`, freeing this distribution's tensors when it throws. */
  protected guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  get support(): Constraint {
    return realVector;
  }

  /** The event size d. */
  get eventSize(): number {
    return this.eventShape[0]!;
  }

  /** The lower triangle of `scaleTril` (the upper one is ignored, as TFP's LinearOperatorLowerTriangular does). */
  protected lower(): tf.Tensor {
    // A mask product rather than tf.linalg.bandPart, whose unstack-based gradient fails in tfjs 4.22.
    return tf.mul(this.scaleTril, lowerMask(this.eventSize));
  }

  /** log |L_ii| summed over i, batch shape of `scaleTril`. */
  protected halfLogDet(): tf.Tensor {
    const d = this.eventSize;
    return tf.sum(tf.log(tf.abs(tf.sum(tf.mul(this.scaleTril, tf.eye(d)), -1))), -1);
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => {
      const eps = random.normal(key, shape);
      const l = this.lower();
      const d = this.eventSize;
      // One factor: a single matmul, ε [N, d] Lᵀ. A batch of factors: a broadcasting product summed
      // over the last axis (batch dimensions broadcast freely; memory N·d²).
      const le = l.rank === 2 ? tf.reshape(tf.matMul(tf.reshape(eps, [-1, d]), l, false, true), shape) : tf.sum(tf.mul(l, tf.expandDims(eps, -2)), -1);
      return tf.add(this.loc, le);
    });
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const d = this.eventSize;
      checkVectorEvent(this.name, xv, d);
      const diff = tf.sub(xv, this.loc);
      let maha: tf.Tensor;
      if (this.scaleTril.rank === 2) {
        // One factor: one solve with every point as a column, L Z = (x - loc)ᵀ.
        const z = triangularSolve(this.scaleTril, tf.transpose(tf.reshape(diff, [-1, d])), { lower: true });
        maha = tf.reshape(tf.sum(tf.square(z), 0), diff.shape.slice(0, -1));
      } else {
        maha = tf.sum(tf.square(triangularSolve(this.scaleTril, tf.expandDims(diff, -1), { lower: true })), [-2, -1]);
      }
      return tf.sub(tf.mul(-0.5, maha), tf.add(this.halfLogDet(), 0.5 * d * LOG_TWO_PI));
    });
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, [...this.batchShape, ...this.eventShape]).clone());
  }
  override mode(): tf.Tensor {
    return this.mean();
  }
  /** The covariance matrix `L Lᵀ`, `batchShape + [d, d]`. */
  covariance(): tf.Tensor {
    return tf.tidy(() => {
      const l = this.lower();
      const d = this.eventSize;
      return tf.broadcastTo(tf.matMul(l, l, false, true), [...this.batchShape, d, d]).clone();
    });
  }
  /** The diagonal of the covariance, `Σ_j L_ij²`, `batchShape + [d]`. */
  override variance(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.sum(tf.square(this.lower()), -1), [...this.batchShape, ...this.eventShape]).clone());
  }
  override stddev(): tf.Tensor {
    return tf.tidy(() => tf.sqrt(this.variance()));
  }
  /** `d/2 (1 + log 2π) + Σ log L_ii`. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.add(this.halfLogDet(), 0.5 * this.eventSize * (1 + LOG_TWO_PI))));
  }
}
