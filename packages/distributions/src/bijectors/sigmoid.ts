import * as tf from '@tensorflow/tfjs-core';
import { sigmoid, softplus } from '@probdl/tensor-backend';
import { unitInterval, type KindedConstraint } from '../constraints/constraints.js';
import { BaseBijector } from './bijector-base.js';

/**
 * y = σ(x) = 1 / (1 + e⁻ˣ), elementwise, onto (0, 1); inverse logit(y) = log y - log1p(-y);
 * log|det J| = -softplus(-x) - softplus(x).
 */
export class Sigmoid extends BaseBijector {
  readonly name: string = 'Sigmoid';
  override readonly codomain: KindedConstraint | undefined = unitInterval;
  override readonly increasing = true;

  constructor() {
    super();
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return sigmoid(x);
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    return tf.sub(tf.log(y), tf.log1p(tf.neg(y)));
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    return tf.neg(tf.add(softplus(tf.neg(x)), softplus(x)));
  }
  protected override inverseLdjImpl(y: tf.Tensor): tf.Tensor {
    return tf.neg(tf.add(tf.log(y), tf.log1p(tf.neg(y))));
  }
}
