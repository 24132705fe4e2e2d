import * as tf from '@tensorflow/tfjs-core';
import { triangularSolve } from '@probdl/tensor-backend';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { BaseBijector, type BijectorOptions } from './bijector-base.js';
import { lowerMask, matrixDiag, squareDim } from './triangular.js';

/** Parameters of {@link ScaleMatvecTriL}. */
export interface ScaleMatvecTriLParams extends BijectorOptions {
  /** Lower-triangular [..., d, d] with a non-zero diagonal; only the lower triangle is read. */
  readonly scaleTril: TensorInput;
}

/** y = L x for vectors x (event rank 1); log|det J| = Σ log|diag L|. */
export class ScaleMatvecTriL extends BaseBijector {
  readonly name: string = 'ScaleMatvecTriL';
  readonly scaleTril: tf.Tensor;
  override readonly forwardMinEventRank: number = 1;
  override readonly inverseMinEventRank: number = 1;
  override readonly isConstantJacobian = true;
  override readonly batchShape: readonly number[];
  private readonly d: number;

  constructor(params: ScaleMatvecTriLParams) {
    super(params);
    this.scaleTril = this.param('scaleTril', params.scaleTril, (values, shape) => {
      if (shape.length < 2 || shape[shape.length - 1] !== shape[shape.length - 2]) return `must end in a square matrix [..., d, d], got shape [${shape.join(', ')}]`;
      const d = shape[shape.length - 1]!;
      for (let b = 0; b * d * d < values.length; b++) {
        for (let i = 0; i < d; i++) {
          const v = values[b * d * d + i * d + i]!;
          if (!(v !== 0 && Number.isFinite(v))) return `must have a non-zero finite diagonal, got ${v} at [${i}, ${i}] of matrix ${b}`;
        }
      }
      return undefined;
    });
    try {
      this.d = squareDim(this.name, 'scaleTril', this.scaleTril.shape);
      this.batchShape = this.scaleTril.shape.slice(0, -2);
    } catch (e) {
      this.dispose();
      throw e;
    }
  }
  private checkX(x: tf.Tensor, arg: string): void {
    if (x.shape[x.rank - 1] !== this.d) throw new RangeError(`${this.name}: argument '${arg}' must end in dimension ${this.d}, got shape [${x.shape.join(', ')}]`);
  }
  /** The lower triangle of `scaleTril` (upper entries zeroed), a fresh tensor. */
  lowerTriangle(): tf.Tensor {
    return tf.tidy(() => tf.mul(this.scaleTril, lowerMask(this.d, false)));
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    this.checkX(x, 'x');
    return tf.sum(tf.mul(this.lowerTriangle(), tf.expandDims(x, -2)), -1);
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    this.checkX(y, 'y');
    return tf.squeeze(triangularSolve(this.scaleTril, tf.expandDims(y, -1), { lower: true }), [-1]);
  }
  private logAbsDet(batch: readonly number[]): tf.Tensor {
    const l = tf.sum(tf.log(tf.abs(matrixDiag(this.scaleTril))), -1);
    return tf.broadcastTo(l, broadcastShapes(this.name, { x: batch, scaleTril: l.shape }));
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    this.checkX(x, 'x');
    return this.logAbsDet(x.shape.slice(0, -1));
  }
  protected override inverseLdjImpl(y: tf.Tensor): tf.Tensor {
    this.checkX(y, 'y');
    return tf.neg(this.logAbsDet(y.shape.slice(0, -1)));
  }
}
