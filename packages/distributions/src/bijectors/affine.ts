import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isFinite } from '../internal/validation.js';
import { BaseBijector, type BijectorOptions } from './bijector-base.js';
import { isNonZeroFinite, signOf } from './scale.js';

/** Parameters of {@link Affine}. */
export interface AffineParams extends BijectorOptions {
  /** Added after scaling. */
  readonly shift: TensorInput;
  /** Multiplies x; non-zero. */
  readonly scale: TensorInput;
}

/** y = shift + scale · x, elementwise (TFP's Shift(shift)(Scale(scale))); log|det J| = log|scale|. */
export class Affine extends BaseBijector {
  readonly name: string = 'Affine';
  readonly shift: tf.Tensor;
  readonly scale: tf.Tensor;
  override readonly isConstantJacobian = true;
  override readonly increasing: boolean | undefined;
  override readonly batchShape: readonly number[];

  constructor(params: AffineParams) {
    super(params);
    this.shift = this.param('shift', params.shift, isFinite);
    const p = this.paramWithValues('scale', params.scale, isNonZeroFinite);
    this.scale = p.tensor;
    this.increasing = signOf(p.values);
    try {
      this.batchShape = broadcastShapes(this.name, { shift: this.shift.shape, scale: this.scale.shape });
    } catch (e) {
      this.dispose();
      throw e;
    }
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return tf.add(this.shift, tf.mul(this.scale, x));
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    return tf.div(tf.sub(y, this.shift), this.scale);
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    const shape = broadcastShapes(this.name, { x: x.shape, shift: this.shift.shape, scale: this.scale.shape });
    return tf.broadcastTo(tf.log(tf.abs(this.scale)), shape);
  }
  protected override inverseLdjImpl(y: tf.Tensor): tf.Tensor {
    const shape = broadcastShapes(this.name, { y: y.shape, shift: this.shift.shape, scale: this.scale.shape });
    return tf.broadcastTo(tf.neg(tf.log(tf.abs(this.scale))), shape);
  }
}

/** TFP-style name for {@link Affine}: y = shift + scale · x. */
export const ShiftAndScale = Affine;
/** The instance type of {@link ShiftAndScale}. */
export type ShiftAndScale = Affine;
