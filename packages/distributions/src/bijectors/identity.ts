import * as tf from '@tensorflow/tfjs-core';
import { BaseBijector } from './bijector-base.js';

/** The identity map y = x (log-det-Jacobian 0), elementwise. */
export class Identity extends BaseBijector {
  readonly name: string = 'Identity';
  override readonly isConstantJacobian = true;
  override readonly increasing = true;

  constructor() {
    super();
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return tf.clone(x);
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    return tf.clone(y);
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    return tf.zeros(x.shape);
  }
  protected override inverseLdjImpl(y: tf.Tensor): tf.Tensor {
    return tf.zeros(y.shape);
  }
}
