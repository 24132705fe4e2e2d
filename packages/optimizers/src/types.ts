import type * as tf from '@tensorflow/tfjs-core';
import type { Tree } from '@probdl/tensor-backend';

/**
 * Optimizer state: a pytree of tensors. Step counts are int32 scalar tensors (as in Optax), so an
 * update never reads anything back from the device and can run inside one tf.tidy.
 */
export type OptState = Tree;

/**
 * Optax's gradient transformation over pytrees.
 *
 * Ownership: `init` returns a fresh state. `update` never disposes its arguments and returns fresh
 * updates and a fresh state (no tensor shared with its inputs or with the old state), so the caller
 * disposes the gradients and the old state once it has the new ones. `step` and `fit` do that
 * bookkeeping for a training loop.
 */
export interface GradientTransformation<S extends OptState = OptState> {
  /** The initial state for parameters shaped like `params`. */
  init(params: Tree): S;
  /**
   * Transforms `updates` (gradients, or the updates of the previous transformation of a chain).
   * `params` is needed by some transformations (weight decay, LAMB, L-BFGS) and ignored by others.
   */
  update(updates: Tree, state: S, params?: Tree): [Tree, S];
}

/** A schedule maps the step count (an int32 scalar tensor) to a float32 scalar tensor. */
export type Schedule = (count: tf.Scalar) => tf.Scalar;

/** A hyperparameter given as a constant or as a schedule of the step count. */
export type ScalarOrSchedule = number | Schedule;
