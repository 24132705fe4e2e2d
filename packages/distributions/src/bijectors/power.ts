import * as tf from '@tensorflow/tfjs-core';
import { positive, type KindedConstraint } from '../constraints/constraints.js';
import type { TensorInput } from '../internal/params.js';
import { BaseBijector, type BijectorOptions } from './bijector-base.js';
import { isNonZeroFinite, signOf } from './scale.js';

/** Parameters of {@link Power}. */
export interface PowerParams extends BijectorOptions {
  /** The exponent, non-zero and finite; broadcasts against x. */
  readonly power: TensorInput;
}

/**
 * y = x^p on the positive reals (elementwise, computed as exp(p log x)), onto the positive reals;
 * log|det J| = log|p| + (p - 1) log x. Inputs x <= 0 are outside the domain (NaN).
 */
export class Power extends BaseBijector {
  readonly name: string = 'Power';
  readonly power: tf.Tensor;
  override readonly domain: KindedConstraint | undefined = positive;
  override readonly codomain: KindedConstraint | undefined = positive;
  override readonly increasing: boolean | undefined;
  override readonly batchShape: readonly number[];

  constructor(params: PowerParams) {
    super(params);
    const p = this.paramWithValues('power', params.power, isNonZeroFinite);
    this.power = p.tensor;
    this.increasing = signOf(p.values);
    this.batchShape = this.power.shape;
  }
  private logOf(x: tf.Tensor): tf.Tensor {
    // log of x > 0; NaN for x < 0 (outside the domain), -Infinity at 0.
    return tf.log(x);
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return tf.exp(tf.mul(this.power, this.logOf(x)));
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    return tf.exp(tf.div(this.logOf(y), this.power));
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    return tf.add(tf.log(tf.abs(this.power)), tf.mul(tf.sub(this.power, 1), this.logOf(x)));
  }
  protected override inverseLdjImpl(y: tf.Tensor): tf.Tensor {
    // x = y^{1/p}: log|dx/dy| = -log|p| + (1/p - 1) log y.
    return tf.sub(tf.mul(tf.sub(tf.div(1, this.power), 1), this.logOf(y)), tf.log(tf.abs(this.power)));
  }
}
