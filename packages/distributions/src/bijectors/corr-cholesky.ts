import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '@probdl/tensor-backend';
import { corrCholesky, type KindedConstraint } from '../constraints/constraints.js';
import { BaseBijector } from './bijector-base.js';
import { cumsumLast, lowerMask, packTriangle, packedDim, packedLength, squareDim, unpackTriangle } from './triangular.js';

/**
 * A vector of length d(d-1)/2 → the Cholesky factor L of a d×d correlation matrix (NumPyro's
 * CorrCholeskyTransform; TFP's CorrelationCholesky is a different map onto the same set).
 * z = tanh(x) are partial correlations, packed row-major strictly below the diagonal
 * (z10, z20, z21, z30, ...); each row is then stick-broken so that it has unit norm:
 * L[i,j] = z[i,j] · sqrt(1 - Σ_{k<j} L[i,k]²) for j < i, L[i,i] = sqrt(1 - Σ_{k<i} L[i,k]²).
 * log|det J| is that of the map onto the strictly-lower entries (the diagonal is determined):
 * Σ log(1 - z²) + ½ Σ_{i, j<i} Σ_{k<j} log(1 - z[i,k]²), computed from x in the stable form
 * log(1 - tanh²x) = 2 (log 2 - |x| - softplus(-2|x|)).
 */
export class CorrCholesky extends BaseBijector {
  readonly name: string = 'CorrCholesky';
  override readonly forwardMinEventRank: number = 1;
  override readonly inverseMinEventRank: number = 2;
  override readonly codomain: KindedConstraint | undefined = corrCholesky;

  constructor() {
    super();
  }

  /** log(1 - tanh²x), stable. */
  private static logOneMinusTanhSq(x: tf.Tensor): tf.Tensor {
    const a = tf.abs(x);
    return tf.mul(2, tf.sub(tf.sub(Math.LN2, a), softplus(tf.mul(-2, a))));
  }
  /** Exclusive row cumsum of log(1 - z²) over the matrix, zeros outside the strict lower triangle. */
  private parts(x: tf.Tensor): { d: number; z: tf.Tensor; cs: tf.Tensor; lz: tf.Tensor } {
    const d = packedDim(this.name, 'x', x.shape, true);
    const z = unpackTriangle(tf.tanh(x), d, true);
    const lz = CorrCholesky.logOneMinusTanhSq(x);
    const cs = cumsumLast(unpackTriangle(lz, d, true), true);
    return { d, z, cs, lz };
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    const { d, z, cs } = this.parts(x);
    const s = tf.exp(tf.mul(0.5, cs));
    return tf.add(tf.mul(z, s), tf.mul(tf.eye(d), s));
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    const d = squareDim(this.name, 'y', y.shape);
    const strict = lowerMask(d, true);
    const cs = cumsumLast(tf.mul(tf.square(y), strict), true);
    const denom = tf.sqrt(tf.maximum(tf.sub(1, cs), 1e-30));
    const z = packTriangle(tf.div(y, denom), true);
    return tf.mul(0.5, tf.sub(tf.log1p(z), tf.log1p(tf.neg(z))));
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    const { d, cs, lz } = this.parts(x);
    const stick = tf.mul(0.5, tf.sum(tf.mul(cs, lowerMask(d, true)), [-1, -2]));
    return tf.add(tf.sum(lz, -1), stick);
  }
  override forwardEventShape(shape: readonly number[]): number[] {
    this.checkShapeRank(shape, 1, 'x');
    const d = packedDim(this.name, 'x', shape, true);
    return [...shape.slice(0, -1), d, d];
  }
  override inverseEventShape(shape: readonly number[]): number[] {
    this.checkShapeRank(shape, 2, 'y');
    const d = squareDim(this.name, 'y', shape);
    return [...shape.slice(0, -2), packedLength(d, true)];
  }
}
