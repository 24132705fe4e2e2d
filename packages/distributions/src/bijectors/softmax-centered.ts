import * as tf from '@tensorflow/tfjs-core';
import { simplex, type KindedConstraint } from '../constraints/constraints.js';
import { BaseBijector } from './bijector-base.js';

/**
 * R^{K-1} → the simplex in R^K: y = softmax([x, 0]) (TFP's SoftmaxCentered); inverse
 * xᵢ = log yᵢ - log y_{K-1}. log|det J| is that of the map onto the first K-1 coordinates,
 * Σ_{i<K} log yᵢ (TFP adds ½ log K for the surface measure of the simplex; this one does not, like
 * StickBreaking, so the two give the same densities on the first K-1 coordinates).
 */
export class SoftmaxCentered extends BaseBijector {
  readonly name: string = 'SoftmaxCentered';
  override readonly forwardMinEventRank: number = 1;
  override readonly inverseMinEventRank: number = 1;
  override readonly codomain: KindedConstraint | undefined = simplex;

  constructor() {
    super();
  }
  private static padded(x: tf.Tensor): tf.Tensor {
    return tf.concat([x, tf.zeros([...x.shape.slice(0, -1), 1])], -1);
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    return tf.softmax(SoftmaxCentered.padded(x), -1);
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    const k = y.shape[y.rank - 1]!;
    if (k < 1) throw new RangeError(`${this.name}: argument 'y' must have a non-empty last dimension`);
    const logy = tf.log(y);
    const start = new Array<number>(y.rank).fill(0);
    const head = tf.slice(logy, start, [...y.shape.slice(0, -1), k - 1]);
    const last = tf.slice(logy, [...start.slice(0, -1), k - 1], [...y.shape.slice(0, -1), 1]);
    return tf.sub(head, last);
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    return tf.sum(tf.logSoftmax(SoftmaxCentered.padded(x), -1), -1);
  }
  protected override inverseLdjImpl(y: tf.Tensor): tf.Tensor {
    return tf.neg(tf.sum(tf.log(y), -1));
  }
  override forwardEventShape(shape: readonly number[]): number[] {
    this.checkShapeRank(shape, 1, 'x');
    return [...shape.slice(0, -1), shape[shape.length - 1]! + 1];
  }
  override inverseEventShape(shape: readonly number[]): number[] {
    this.checkShapeRank(shape, 1, 'y');
    const k = shape[shape.length - 1]!;
    if (k < 1) throw new RangeError(`${this.name}: argument 'y' must have a non-empty last dimension, got shape [${shape.join(', ')}]`);
    return [...shape.slice(0, -1), k - 1];
  }
}
