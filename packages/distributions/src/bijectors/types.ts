import type * as tf from '@tensorflow/tfjs-core';
import type { KindedConstraint } from '../constraints/constraints.js';
import type { TensorInput } from '../internal/params.js';

/**
 * A differentiable invertible map `y = f(x)`. Log-det-Jacobians are summed over the last
 * `forwardMinEventRank` dimensions of x (for the inverse, `inverseMinEventRank` of y), so an
 * elementwise bijector returns x's shape and a vector bijector drops the last axis.
 *
 * Every method returns a fresh tensor the caller owns and never disposes its inputs. For maps
 * whose output has more coordinates than the input (FillScaleTriL, CorrCholesky, StickBreaking,
 * SoftmaxCentered), the log-det-Jacobian is that of the map onto the free output coordinates
 * (each bijector's doc comment names them).
 */
export interface Bijector {
  /** Printable name, used in error messages. */
  readonly name: string;
  /** Rank of one event that `forward` acts on: 0 elementwise, 1 for vector maps, 2 for matrix maps. */
  readonly forwardMinEventRank: number;
  /** Rank of one event of the output. */
  readonly inverseMinEventRank: number;
  /** Whether log|det J| is the same everywhere (Shift, Scale, ...). */
  readonly isConstantJacobian: boolean;
  /** A set containing the inputs `forward` accepts, at rank `forwardMinEventRank` (undefined: unknown). */
  readonly domain?: KindedConstraint | undefined;
  /**
   * A set containing the image of `forward`, at rank `inverseMinEventRank` (undefined: unknown).
   * A TransformedDistribution uses it as its support.
   */
  readonly codomain?: KindedConstraint | undefined;
  /**
   * For scalar (rank-0) bijectors: true when known to be increasing everywhere, false when known
   * to be decreasing everywhere, undefined otherwise. TransformedDistribution uses it for cdf.
   */
  readonly increasing?: boolean | undefined;
  /**
   * Batch shape of the bijector's parameters for events of rank `forwardMinEventRank` (e.g. the
   * shape of Shift's `shift`, `scaleTril.shape[:-2]` for ScaleMatvecTriL); [] or undefined when it
   * has none. For inputs of higher event rank, its last dimensions broadcast against event dims.
   */
  readonly batchShape?: readonly number[] | undefined;
  /** y = f(x), shape `x.shape` with the last `forwardMinEventRank` dims mapped by `forwardEventShape`. */
  forward(x: TensorInput): tf.Tensor;
  /** x = f⁻¹(y). */
  inverse(y: TensorInput): tf.Tensor;
  /** log|det ∂f/∂x| at x, summed over one event: shape `x.shape` without its last `forwardMinEventRank` dims. */
  forwardLogDetJacobian(x: TensorInput): tf.Tensor;
  /** log|det ∂f⁻¹/∂y| at y (= -forwardLogDetJacobian(inverse(y))): shape `y.shape` without its last `inverseMinEventRank` dims. */
  inverseLogDetJacobian(y: TensorInput): tf.Tensor;
  /** Event shape of y for an event shape of x (a vector bijector may change its length). */
  forwardEventShape(shape: readonly number[]): number[];
  inverseEventShape(shape: readonly number[]): number[];
  /** Releases tensors the bijector created from host parameters; tensors passed in stay the caller's. */
  dispose(): void;
}
