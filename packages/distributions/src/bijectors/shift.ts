import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isFinite } from '../internal/validation.js';
import { BaseBijector, type BijectorOptions } from './bijector-base.js';

/** Parameters of {@link Shift}. */
export interface ShiftParams extends BijectorOptions {
  /** Added to x; broadcasts against x. */
  readonly shift: TensorInput;
}

/** y = x + shift, elementwise (log-det-Jacobian 0). */
export class Shift extends BaseBijector {
  readonly name: string = 'Shift';
  readonly shift: tf.Tensor;
  override readonly isConstantJacobian = true;
  override readonly increasing = true;
  override readonly batchShape: readonly number[];

  constructor(params: ShiftParams) {
    super(params);
    this.shift = this.param('shift', params.shift, isFinite);
    this.batchShape = this.shift.shape;
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return tf.add(x, this.shift);
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    return tf.sub(y, this.shift);
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    return tf.zeros(broadcastShapes(this.name, { x: x.shape, shift: this.shift.shape }));
  }
  protected override inverseLdjImpl(y: tf.Tensor): tf.Tensor {
    return tf.zeros(broadcastShapes(this.name, { y: y.shape, shift: this.shift.shape }));
  }
}
