import type * as tf from '@tensorflow/tfjs-core';

/**
 * A set of values: a distribution's support, or where a parameter lives. `bijectTo(constraint)`
 * gives the bijector from unconstrained reals onto it, which VI and MCMC use.
 */
export interface Constraint {
  /** Printable name, e.g. `positive`, `interval(0, 1)`, `simplex`. */
  readonly name: string;
  /** How many trailing dimensions one element of the set spans: 0 elementwise, 1 for simplex / ordered, 2 for matrices. */
  readonly eventRank: number;
  /** Whether the set is a subset of the integers (a discrete support). */
  readonly discrete: boolean;
  /** A bool tensor of shape `x.shape` minus the last `eventRank` dimensions: which elements lie in the set. */
  check(x: tf.Tensor): tf.Tensor;
}
