import * as tf from '@tensorflow/tfjs-core';
import { positive, type KindedConstraint } from '../constraints/constraints.js';
import { BaseBijector } from './bijector-base.js';

/** y = exp(x), elementwise, onto the positive reals; log|det J| = x. */
export class Exp extends BaseBijector {
  readonly name: string = 'Exp';
  override readonly codomain: KindedConstraint | undefined = positive;
  override readonly increasing = true;

  constructor() {
    super();
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return tf.exp(x);
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    return tf.log(y);
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    return tf.clone(x);
  }
  protected override inverseLdjImpl(y: tf.Tensor): tf.Tensor {
    return tf.neg(tf.log(y));
  }
}
