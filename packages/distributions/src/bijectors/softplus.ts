import * as tf from '@tensorflow/tfjs-core';
import { expm1, logSigmoid, softplus } from '@probdl/tensor-backend';
import { positive, type KindedConstraint } from '../constraints/constraints.js';
import { BaseBijector } from './bijector-base.js';

/**
 * y = softplus(x) = log(1 + eˣ), elementwise, onto the positive reals. Inverse in the stable form
 * x = y + log(-expm1(-y)); log|det J| = log σ(x) = -softplus(-x).
 */
export class Softplus extends BaseBijector {
  readonly name: string = 'Softplus';
  override readonly codomain: KindedConstraint | undefined = positive;
  override readonly increasing = true;

  constructor() {
    super();
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return softplus(x);
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    return tf.add(y, tf.log(tf.neg(expm1(tf.neg(y)))));
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    return logSigmoid(x);
  }
  protected override inverseLdjImpl(y: tf.Tensor): tf.Tensor {
    // d x / d y = 1 / (1 - e^{-y}).
    return tf.neg(tf.log(tf.neg(expm1(tf.neg(y)))));
  }
}
