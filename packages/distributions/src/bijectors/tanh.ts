import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '@probdl/tensor-backend';
import { interval, type KindedConstraint } from '../constraints/constraints.js';
import { BaseBijector } from './bijector-base.js';

/**
 * y = tanh(x), elementwise, onto (-1, 1); inverse atanh(y) = (log1p(y) - log1p(-y)) / 2;
 * log|det J| = log(1 - tanh²x) = 2 (log 2 - x - softplus(-2x)).
 */
export class Tanh extends BaseBijector {
  readonly name: string = 'Tanh';
  override readonly codomain: KindedConstraint | undefined = interval(-1, 1);
  override readonly increasing = true;

  constructor() {
    super();
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return tf.tanh(x);
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    return tf.mul(0.5, tf.sub(tf.log1p(y), tf.log1p(tf.neg(y))));
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    return tf.mul(2, tf.sub(tf.sub(Math.LN2, x), softplus(tf.mul(-2, x))));
  }
  protected override inverseLdjImpl(y: tf.Tensor): tf.Tensor {
    return tf.neg(tf.add(tf.log1p(y), tf.log1p(tf.neg(y))));
  }
}
