import * as tf from '@tensorflow/tfjs-core';
import { logSigmoid, softplus } from '@probdl/tensor-backend';
import { simplex, type KindedConstraint } from '../constraints/constraints.js';
import { BaseBijector } from './bijector-base.js';
import { cumsumLast } from './triangular.js';

/**
 * R^{K-1} → the simplex in R^K by stick breaking (NumPyro's StickBreakingTransform):
 * zᵢ = σ(xᵢ - log(K-1-i)), yᵢ = zᵢ Π_{k<i}(1 - z_k) for i < K-1, y_{K-1} = Π_k (1 - z_k); x = 0
 * maps to the uniform vector. Computed in log space. log|det J| is that of the map onto the
 * first K-1 coordinates: Σᵢ [log zᵢ + log(1 - zᵢ) + Σ_{k<i} log(1 - z_k)].
 */
export class StickBreaking extends BaseBijector {
  readonly name: string = 'StickBreaking';
  override readonly forwardMinEventRank: number = 1;
  override readonly inverseMinEventRank: number = 1;
  override readonly codomain: KindedConstraint | undefined = simplex;

  constructor() {
    super();
  }
  /** log(K-1-i) for i < K-1, where n = K-1. */
  private static offsets(n: number): tf.Tensor {
    return tf.tensor1d(Array.from({ length: n }, (_, i) => Math.log(n - i)));
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    const n = x.shape[x.rank - 1]!;
    const xs = tf.sub(x, StickBreaking.offsets(n));
    const log1mz = tf.neg(softplus(xs));
    const rest = cumsumLast(log1mz, true);
    const head = tf.add(logSigmoid(xs), rest);
    const last = tf.sum(log1mz, -1, true);
    return tf.exp(tf.concat([head, last], -1));
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    const k = y.shape[y.rank - 1]!;
    if (k < 1) throw new RangeError(`${this.name}: argument 'y' must have a non-empty last dimension`);
    const tail = cumsumLast(y, true, true);
    const start = new Array<number>(y.rank).fill(0);
    const size = [...y.shape.slice(0, -1), k - 1];
    const xs = tf.sub(tf.log(tf.slice(y, start, size)), tf.log(tf.slice(tail, start, size)));
    return tf.add(xs, StickBreaking.offsets(k - 1));
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    const n = x.shape[x.rank - 1]!;
    const xs = tf.sub(x, StickBreaking.offsets(n));
    const log1mz = tf.neg(softplus(xs));
    const rest = cumsumLast(log1mz, true);
    return tf.sum(tf.add(tf.add(logSigmoid(xs), log1mz), rest), -1);
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
