import * as tf from '@tensorflow/tfjs-core';
import { cholesky } from '@probdl/tensor-backend';
import { lowerCholesky, positiveDefinite, type KindedConstraint } from '../constraints/constraints.js';
import { BaseBijector } from './bijector-base.js';
import { lowerMask, matrixDiag, squareDim } from './triangular.js';

/**
 * L → L Lᵀ: a lower-triangular matrix with positive diagonal onto a symmetric positive-definite
 * matrix (TFP's CholeskyOuterProduct); inverse by Cholesky factorisation. log|det J| is that of
 * the map from the lower-triangle entries of L to the lower-triangle entries of L Lᵀ:
 * d·log 2 + Σᵢ (d - i) log Lᵢᵢ (i from 0).
 */
export class CholeskyOuterProduct extends BaseBijector {
  readonly name: string = 'CholeskyOuterProduct';
  override readonly forwardMinEventRank: number = 2;
  override readonly inverseMinEventRank: number = 2;
  override readonly domain: KindedConstraint | undefined = lowerCholesky;
  override readonly codomain: KindedConstraint | undefined = positiveDefinite;

  constructor() {
    super();
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    const d = squareDim(this.name, 'x', x.shape);
    const l = tf.mul(x, lowerMask(d, false));
    return tf.matMul(l, l, false, true);
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    squareDim(this.name, 'y', y.shape);
    return cholesky(y);
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    const d = squareDim(this.name, 'x', x.shape);
    const w = tf.tensor1d(Array.from({ length: d }, (_, i) => d - i));
    return tf.add(d * Math.LN2, tf.sum(tf.mul(w, tf.log(tf.abs(matrixDiag(x)))), -1));
  }
  override forwardEventShape(shape: readonly number[]): number[] {
    squareDim(this.name, 'x', shape);
    return [...shape];
  }
  override inverseEventShape(shape: readonly number[]): number[] {
    squareDim(this.name, 'y', shape);
    return [...shape];
  }
}
