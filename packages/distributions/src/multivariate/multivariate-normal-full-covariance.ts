import * as tf from '@tensorflow/tfjs-core';
import { cholesky } from '@probdl/tensor-backend';
import type { DistributionOptions } from '../distribution.js';
import { leadingShape, type TensorInput } from '../internal/params.js';
import { MultivariateNormalTriL, type MultivariateNormalScale, type MultivariateNormalTriLParams } from './multivariate-normal-tril.js';
import { isFiniteFactor, isSymmetricPositiveDefinite } from './matrix-checks.js';

/** Parameters of {@link MultivariateNormalFullCovariance}. */
export interface MultivariateNormalFullCovarianceParams extends DistributionOptions {
  /** Mean, `[..., d]`. */
  readonly loc: TensorInput;
  /** Symmetric positive-definite covariance, `[..., d, d]`. */
  readonly covarianceMatrix: TensorInput;
}

/**
 * The multivariate normal N(loc, covarianceMatrix) (TFP's `MultivariateNormalFullCovariance`): a
 * {@link MultivariateNormalTriL} whose `scaleTril` is the device Cholesky factor of the covariance,
 * computed at construction (freed by `dispose`; gradients flow to `covarianceMatrix`). With
 * validation on, the covariance must be symmetric and positive definite (a float64 Cholesky on
 * the host values) and its float32 factor must exist; the error names 'covarianceMatrix' and the
 * batch entry. Prefer {@link MultivariateNormalTriL} when a factor is at hand: float32 loses
 * about log10(condition number) digits in the factorisation.
 */
export class MultivariateNormalFullCovariance extends MultivariateNormalTriL {
  override get name(): string {
    return 'MultivariateNormalFullCovariance';
  }
  /** The covariance as given. */
  get covarianceMatrix(): tf.Tensor {
    return this.scaleSource;
  }

  constructor(params: MultivariateNormalFullCovarianceParams) {
    super(params as unknown as MultivariateNormalTriLParams);
  }

  protected override buildScale(params: MultivariateNormalTriLParams): MultivariateNormalScale {
    const p = params as unknown as MultivariateNormalFullCovarianceParams;
    const c = this.param('covarianceMatrix', p.covarianceMatrix, isSymmetricPositiveDefinite);
    if (c.rank < 2 || c.shape[c.rank - 1] !== c.shape[c.rank - 2]) {
      throw new RangeError(`${this.name}: argument 'covarianceMatrix' must have shape [..., d, d], got [${c.shape.join(', ')}]`);
    }
    const l = this.own(cholesky(c));
    this.checkTensor('covarianceMatrix', l, isFiniteFactor);
    return { scaleTril: l, eventSize: c.shape[c.rank - 1]!, arg: 'covarianceMatrix', source: c, batchShape: leadingShape(c.shape, 2) };
  }
}
