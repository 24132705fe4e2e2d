import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { elementwise } from '../internal/validation.js';
import { BaseBijector, type BijectorOptions } from './bijector-base.js';

/** Check: non-zero and finite (a bijector's scale). */
export const isNonZeroFinite = elementwise((v) => v !== 0 && Number.isFinite(v), 'non-zero and finite');

/** The sign of a map from its parameter values: true all > 0, false all < 0, else undefined. */
export function signOf(values: Float64Array | undefined): boolean | undefined {
  if (!values || values.length === 0) return undefined;
  if (values.every((v) => v > 0)) return true;
  if (values.every((v) => v < 0)) return false;
  return undefined;
}

/** Parameters of {@link Scale}. */
export interface ScaleParams extends BijectorOptions {
  /** Multiplies x; non-zero; broadcasts against x. */
  readonly scale: TensorInput;
}

/** y = scale · x, elementwise; log|det J| = log|scale|. */
export class Scale extends BaseBijector {
  readonly name: string = 'Scale';
  readonly scale: tf.Tensor;
  override readonly isConstantJacobian = true;
  override readonly increasing: boolean | undefined;
  override readonly batchShape: readonly number[];

  constructor(params: ScaleParams) {
    super(params);
    const p = this.paramWithValues('scale', params.scale, isNonZeroFinite);
    this.scale = p.tensor;
    this.increasing = signOf(p.values);
    this.batchShape = this.scale.shape;
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return tf.mul(x, this.scale);
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    return tf.div(y, this.scale);
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    return tf.broadcastTo(tf.log(tf.abs(this.scale)), broadcastShapes(this.name, { x: x.shape, scale: this.scale.shape }));
  }
  protected override inverseLdjImpl(y: tf.Tensor): tf.Tensor {
    return tf.broadcastTo(tf.neg(tf.log(tf.abs(this.scale))), broadcastShapes(this.name, { y: y.shape, scale: this.scale.shape }));
  }
}
