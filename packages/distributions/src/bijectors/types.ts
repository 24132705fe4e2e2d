import type * as tf from '@tensorflow/tfjs-core';

/**
 * A differentiable invertible map `y = f(x)`. Log-det-Jacobians are summed over the last
 * `forwardMinEventRank` dimensions of x (for the inverse, `inverseMinEventRank` of y), so an
 * elementwise bijector returns x's shape and a vector bijector drops the last axis.
 */
export interface Bijector {
  readonly name: string;
  /** Rank of one event that `forward` acts on: 0 elementwise, 1 for vector maps, 2 for matrix maps. */
  readonly forwardMinEventRank: number;
  /** Rank of one event of the output. */
  readonly inverseMinEventRank: number;
  /** Whether log|det J| is the same everywhere (Shift, Scale, ...). */
  readonly isConstantJacobian: boolean;
  forward(x: tf.Tensor): tf.Tensor;
  inverse(y: tf.Tensor): tf.Tensor;
  forwardLogDetJacobian(x: tf.Tensor): tf.Tensor;
  inverseLogDetJacobian(y: tf.Tensor): tf.Tensor;
  /** Event shape of y for an event shape of x (a vector bijector may change its length). */
  forwardEventShape(shape: readonly number[]): number[];
  inverseEventShape(shape: readonly number[]): number[];
  /** Releases tensors the bijector created from host parameters; tensors passed in stay the caller's. */
  dispose(): void;
}
