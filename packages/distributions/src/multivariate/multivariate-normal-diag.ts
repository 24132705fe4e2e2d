import * as tf from '@tensorflow/tfjs-core';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import type { DistributionOptions } from '../distribution.js';
import { checkVectorEvent, leadingShape, type TensorInput } from '../internal/params.js';
import { isPositive } from '../internal/validation.js';
import { MultivariateNormalTriL, type MultivariateNormalScale, type MultivariateNormalTriLParams } from './multivariate-normal-tril.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Parameters of {@link MultivariateNormalDiag}. */
export interface MultivariateNormalDiagParams extends DistributionOptions {
  /** Mean, `[..., d]`. */
  readonly loc: TensorInput;
  /** Standard deviations, > 0, `[..., d]`; the covariance is `diag(scaleDiag²)`. */
  readonly scaleDiag: TensorInput;
}

/**
 * The multivariate normal with a diagonal scale, N(loc, diag(scaleDiag²)) (TFP's
 * `MultivariateNormalDiag`): a {@link MultivariateNormalTriL} whose `scaleTril` is
 * `diag(scaleDiag)`. Its methods work elementwise on `scaleDiag` (O(d), no d × d matrix, so it
 * suits mean-field VI over many parameters); the dense `scaleTril` is formed only when read.
 * Gradients flow to `loc` and `scaleDiag`; samples are reparameterised (`loc + scaleDiag ⊙ ε`).
 */
export class MultivariateNormalDiag extends MultivariateNormalTriL {
  override get name(): string {
    return 'MultivariateNormalDiag';
  }
  /** The diagonal scale as given. */
  get scaleDiag(): tf.Tensor {
    return this.scaleSource;
  }

  constructor(params: MultivariateNormalDiagParams) {
    super(params as unknown as MultivariateNormalTriLParams);
  }

  protected override buildScale(params: MultivariateNormalTriLParams): MultivariateNormalScale {
    const p = params as unknown as MultivariateNormalDiagParams;
    const s = this.param('scaleDiag', p.scaleDiag, isPositive);
    if (s.rank < 1) throw new RangeError(`${this.name}: argument 'scaleDiag' must have shape [..., d], got []`);
    return { scaleTril: undefined, eventSize: s.shape[s.rank - 1]!, arg: 'scaleDiag', source: s, batchShape: leadingShape(s.shape, 1) };
  }

  /** `diag(scaleDiag)`, `scaleDiag.shape + [d]`. */
  protected override denseScaleTril(): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.expandDims(this.scaleDiag, -1), tf.eye(this.eventSize)));
  }

  protected override halfLogDet(): tf.Tensor {
    return tf.sum(tf.log(this.scaleDiag), -1);
  }

  override sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scaleDiag, random.normal(key, shape))));
  }

  override logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const d = this.eventSize;
      checkVectorEvent(this.name, xv, d);
      const z = tf.div(tf.sub(xv, this.loc), this.scaleDiag);
      return tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), -1)), tf.add(this.halfLogDet(), d * HALF_LOG_TWO_PI));
    });
  }

  override variance(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.square(this.scaleDiag), [...this.batchShape, ...this.eventShape]).clone());
  }
  override stddev(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.scaleDiag, [...this.batchShape, ...this.eventShape]).clone());
  }
}
