import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import { Affine } from '../bijectors/affine.js';
import { dropRightmost, liftConstraint, realOfRank, sumRightmost } from '../bijectors/bijector-base.js';
import { Identity } from '../bijectors/identity.js';
import { Scale } from '../bijectors/scale.js';
import { ScaleMatvecTriL } from '../bijectors/scale-matvec-tril.js';
import { Shift } from '../bijectors/shift.js';
import type { Bijector } from '../bijectors/types.js';
import type { KindedConstraint } from '../constraints/constraints.js';
import { Distribution, NotDefinedError, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';

/** Parameters of {@link TransformedDistribution}. */
export interface TransformedDistributionParams extends DistributionOptions {
  /** The base distribution of x. Not disposed by the transformed distribution (the caller's). */
  readonly distribution: Distribution;
  /** The map y = f(x). Not disposed by the transformed distribution (the caller's). */
  readonly bijector: Bijector;
}

/**
 * The distribution of y = bijector.forward(x) for x from `distribution`:
 * log p(y) = base.logProb(inverse(y)) + inverseLogDetJacobian(y). Samples are forward(base
 * samples), reparameterised when the base's are.
 *
 * Event ranks: when the bijector acts on events of higher rank than the base's (a vector
 * bijector over a scalar base with batch shape [..., K]), the last
 * `forwardMinEventRank - base event rank` batch dimensions of the base become event dimensions
 * (their log densities are summed). The event shape is `bijector.forwardEventShape` of the base
 * event shape; when the base event rank is higher than the bijector's, the log-det-Jacobian is
 * summed over the extra dimensions.
 *
 * The support is the bijector's codomain (lifted to the event rank), or all reals when unknown;
 * logProb is -Infinity outside it. mean/variance/stddev are defined for the affine bijectors
 * (Identity, Shift, Scale, Affine, ScaleMatvecTriL), entropy for constant-Jacobian ones; cdf/logCdf/survival/logSurvival/icdf for scalar bijectors known to be
 * monotone (Exp, Sigmoid, Softplus, Tanh, Shift, Scale/Affine/Power with host parameters of one
 * sign, chains of those). Other moments throw NotDefinedError.
 *
 * The transformed distribution does not own `distribution` or `bijector`: dispose them yourself.
 */
export class TransformedDistribution extends Distribution {
  readonly name: string = 'TransformedDistribution';
  readonly distribution: Distribution;
  readonly bijector: Bijector;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly reparameterized: boolean;
  /** Base batch dimensions reinterpreted as event dimensions. */
  private readonly reinterpreted: number;
  private readonly supportConstraint: KindedConstraint;
  /** Leading batch dims that come from the bijector's parameters only (drawn as extra base sample dims). */
  private readonly extraBatch: number[];
  /** Whether the base batch dims equal the trailing batch dims (no size-1 base dim broadcast by the bijector). */
  private readonly sampleable: boolean;

  constructor(params: TransformedDistributionParams) {
    super(params);
    const { distribution, bijector } = params;
    if (!(distribution instanceof Distribution)) throw new TypeError(`TransformedDistribution: argument 'distribution' must be a Distribution`);
    if (bijector === null || typeof bijector !== 'object' || typeof bijector.forward !== 'function') {
      throw new TypeError(`TransformedDistribution: argument 'bijector' must be a Bijector`);
    }
    this.distribution = distribution;
    this.bijector = bijector;
    this.reparameterized = distribution.reparameterized;
    const baseEventRank = distribution.eventShape.length;
    const k = Math.max(0, bijector.forwardMinEventRank - baseEventRank);
    if (k > distribution.batchShape.length) {
      throw new RangeError(
        `TransformedDistribution: bijector '${bijector.name}' acts on events of rank ${bijector.forwardMinEventRank}, but the distribution ` +
          `'${distribution.name}' has event shape [${distribution.eventShape.join(', ')}] and only batch shape [${distribution.batchShape.join(', ')}]`,
      );
    }
    this.reinterpreted = k;
    const batch = distribution.batchShape;
    const baseEvent = [...batch.slice(batch.length - k), ...distribution.eventShape];
    // The bijector's parameter batch dims beyond its minimum event rank broadcast against event dims.
    const bijectorBatch = dropRightmost(bijector.batchShape ?? [], baseEvent.length - bijector.forwardMinEventRank);
    this.batchShape = broadcastShapes(this.name, { distribution: batch.slice(0, batch.length - k), bijector: bijectorBatch });
    this.extraBatch = this.batchShape.slice(0, this.batchShape.length - (batch.length - k));
    const tail = this.batchShape.slice(this.extraBatch.length);
    this.sampleable = tail.every((d, i) => d === batch[i]);
    this.eventShape = bijector.forwardEventShape(baseEvent);
    const rank = this.eventShape.length;
    this.supportConstraint = bijector.codomain ? liftConstraint(bijector.codomain, rank) : realOfRank(rank);
  }

  get support(): KindedConstraint {
    return this.supportConstraint;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    return tf.tidy(() => this.bijector.forward(this.distribution.sample(key, this.baseSampleShape(sampleShape))));
  }

  /** The base sample shape: sampleShape plus the batch dims that only the bijector's parameters have. */
  private baseSampleShape(sampleShape: number | readonly number[] | undefined): number[] {
    if (!this.sampleable) {
      throw new RangeError(
        `${this.name}.sample: the bijector's parameters broadcast size-1 batch dimensions of the distribution ` +
          `(batch shape [${this.distribution.batchShape.join(', ')}] → [${this.batchShape.join(', ')}]); give the base distribution the full batch shape`,
      );
    }
    const s = sampleShape === undefined ? [] : typeof sampleShape === 'number' ? [sampleShape] : [...sampleShape];
    return [...s, ...this.extraBatch];
  }

  logProb(y: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const v = this.value(y, 'y');
      const rank = this.eventShape.length;
      if (v.rank < rank) throw new RangeError(`${this.name}: argument 'y' must have rank >= ${rank}, got shape [${v.shape.join(', ')}]`);
      const x = this.bijector.inverse(v);
      const lp = sumRightmost(this.distribution.logProb(x), this.reinterpreted);
      const ildj = sumRightmost(this.bijector.inverseLogDetJacobian(v), rank - this.bijector.inverseMinEventRank);
      return this.maskOutsideSupport(v, tf.add(lp, ildj));
    });
  }

  override sampleAndLogProb(key: PRNGKey, sampleShape?: number | readonly number[]): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const [x, baseLp] = this.distribution.sampleAndLogProb(key, this.baseSampleShape(sampleShape));
      const y = this.bijector.forward(x);
      const rank = this.eventShape.length;
      // log p(y) = log p(x) - log|det J_f(x)|, on the base's events.
      const fldj = sumRightmost(this.bijector.forwardLogDetJacobian(x), Math.max(rank, this.bijector.inverseMinEventRank) - this.bijector.inverseMinEventRank);
      return [y, tf.sub(sumRightmost(baseLp, this.reinterpreted), fldj)];
    });
  }

  /** The monotone direction of a scalar bijector over a scalar base, or a NotDefinedError. */
  private direction(method: string): boolean {
    const inc = this.bijector.increasing;
    if (this.eventShape.length !== 0 || this.bijector.forwardMinEventRank !== 0 || inc === undefined) {
      throw new NotDefinedError(this.name, method, `needs a scalar bijector known to be monotone, got '${this.bijector.name}'`);
    }
    return inc;
  }
  override cdf(y: TensorInput): tf.Tensor {
    const inc = this.direction('cdf');
    return tf.tidy(() => {
      const x = this.bijector.inverse(this.value(y, 'y'));
      return inc ? this.distribution.cdf(x) : this.distribution.survival(x);
    });
  }
  override logCdf(y: TensorInput): tf.Tensor {
    const inc = this.direction('logCdf');
    return tf.tidy(() => {
      const x = this.bijector.inverse(this.value(y, 'y'));
      return inc ? this.distribution.logCdf(x) : this.distribution.logSurvival(x);
    });
  }
  override survival(y: TensorInput): tf.Tensor {
    const inc = this.direction('survival');
    return tf.tidy(() => {
      const x = this.bijector.inverse(this.value(y, 'y'));
      return inc ? this.distribution.survival(x) : this.distribution.cdf(x);
    });
  }
  override logSurvival(y: TensorInput): tf.Tensor {
    const inc = this.direction('logSurvival');
    return tf.tidy(() => {
      const x = this.bijector.inverse(this.value(y, 'y'));
      return inc ? this.distribution.logSurvival(x) : this.distribution.logCdf(x);
    });
  }
  override icdf(p: TensorInput): tf.Tensor {
    const inc = this.direction('icdf');
    return tf.tidy(() => {
      const pv = this.value(p, 'p');
      return this.bijector.forward(this.distribution.icdf(inc ? pv : tf.sub(1, pv)));
    });
  }

  private isAffine(): boolean {
    const b = this.bijector;
    return b instanceof Identity || b instanceof Shift || b instanceof Scale || b instanceof Affine || b instanceof ScaleMatvecTriL;
  }
  private notDefined(method: string): NotDefinedError {
    return new NotDefinedError(this.name, method, `not defined in general (bijector '${this.bijector.name}')`);
  }
  /** forward(base mean) for the affine bijectors (Identity, Shift, Scale, Affine, ScaleMatvecTriL); NotDefinedError otherwise. */
  override mean(): tf.Tensor {
    if (!this.isAffine()) throw this.notDefined('mean');
    return tf.tidy(() => tf.broadcastTo(this.bijector.forward(this.distribution.mean()), [...this.batchShape, ...this.eventShape]).clone());
  }
  /**
   * Marginal variances for the affine bijectors: base variance · scale² (Identity, Shift, Scale,
   * Affine), and Σⱼ Lᵢⱼ² varⱼ for ScaleMatvecTriL over independent scalars (a scalar base whose
   * batch dimension became the event). NotDefinedError otherwise.
   */
  override variance(): tf.Tensor {
    const b = this.bijector;
    const scalarBase = this.distribution.eventShape.length === 0;
    if (!this.isAffine() || (b instanceof ScaleMatvecTriL && !scalarBase)) throw this.notDefined('variance');
    return tf.tidy(() => {
      const v = this.distribution.variance();
      let out: tf.Tensor;
      if (b instanceof Scale || b instanceof Affine) out = tf.mul(v, tf.square(b.scale));
      else if (b instanceof ScaleMatvecTriL) out = tf.sum(tf.mul(tf.square(b.lowerTriangle()), tf.expandDims(v, -2)), -1);
      else out = v;
      return tf.broadcastTo(out, [...this.batchShape, ...this.eventShape]).clone();
    });
  }
  override stddev(): tf.Tensor {
    if (!this.isAffine()) throw this.notDefined('stddev');
    return tf.tidy(() => tf.sqrt(this.variance()));
  }
  /**
   * For bijectors with a constant Jacobian (Identity, Shift, Scale, Affine, ScaleMatvecTriL):
   * base entropy + log|det J|. NotDefinedError otherwise.
   */
  override entropy(): tf.Tensor {
    if (!this.bijector.isConstantJacobian) throw this.notDefined('entropy');
    return tf.tidy(() => {
      const baseEvent = [...this.distribution.batchShape.slice(this.distribution.batchShape.length - this.reinterpreted), ...this.distribution.eventShape];
      const h = sumRightmost(this.distribution.entropy(), this.reinterpreted);
      const ldj = sumRightmost(this.bijector.forwardLogDetJacobian(tf.zeros(baseEvent)), baseEvent.length - this.bijector.forwardMinEventRank);
      return tf.broadcastTo(tf.add(h, ldj), [...this.batchShape]).clone();
    });
  }
}
