import * as tf from '@tensorflow/tfjs-core';
import { ordered, type KindedConstraint } from '../constraints/constraints.js';
import { BaseBijector } from './bijector-base.js';
import { cumsumLast } from './triangular.js';

/**
 * R^K → strictly increasing vectors: y₀ = x₀, yᵢ = yᵢ₋₁ + exp(xᵢ) (NumPyro's OrderedTransform);
 * inverse x₀ = y₀, xᵢ = log(yᵢ - yᵢ₋₁); log|det J| = Σ_{i≥1} xᵢ.
 */
export class Ordered extends BaseBijector {
  readonly name: string = 'Ordered';
  override readonly forwardMinEventRank: number = 1;
  override readonly inverseMinEventRank: number = 1;
  override readonly codomain: KindedConstraint | undefined = ordered;

  constructor() {
    super();
  }
  private static split(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const k = x.shape[x.rank - 1]!;
    const start = new Array<number>(x.rank).fill(0);
    const batch = x.shape.slice(0, -1);
    const first = tf.slice(x, start, [...batch, Math.min(k, 1)]);
    const rest = tf.slice(x, [...start.slice(0, -1), Math.min(k, 1)], [...batch, Math.max(k - 1, 0)]);
    return [first, rest];
  }
  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    const [first, rest] = Ordered.split(x);
    return cumsumLast(tf.concat([first, tf.exp(rest)], -1));
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    const k = y.shape[y.rank - 1]!;
    if (k < 2) return tf.clone(y);
    const [first, rest] = Ordered.split(y);
    const start = new Array<number>(y.rank).fill(0);
    const prev = tf.slice(y, start, [...y.shape.slice(0, -1), k - 1]);
    return tf.concat([first, tf.log(tf.sub(rest, prev))], -1);
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    const [, rest] = Ordered.split(x);
    return tf.sum(rest, -1);
  }
}
