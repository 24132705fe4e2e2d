import type * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey, Tree } from '@probdl/tensor-backend';

/**
 * What `apply` may be given besides the parameters and the input.
 * - `key`: the randomness of Dropout and of the Bayesian layers' weight draws. A module that needs
 *   it throws an error naming it when it is missing.
 * - `training`: batch statistics in BatchNorm, dropout on (default false).
 * - `mcDropout`: keep Dropout on at prediction time (MC dropout); needs `key`.
 * - `state`: a stateful module's state (BatchNorm's running statistics), read by `apply` at
 *   evaluation time; containers hand each child the part under its name. `applyWithState` is
 *   the call that also returns an updated state (training).
 */
export interface ApplyOptions {
  readonly key?: PRNGKey;
  readonly training?: boolean;
  readonly mcDropout?: boolean;
  readonly state?: Tree;
}

/** `applyWithState` options: those of `apply`, plus the module's state (BatchNorm's running statistics). */
export interface StatefulApplyOptions extends ApplyOptions {
  readonly state: Tree;
}

/** What `applyWithState` returns: the output and the new state (fresh tensors; the caller disposes the old state). */
export interface StatefulOutput {
  readonly output: tf.Tensor;
  readonly state: Tree;
}

/**
 * A Flax-style module: a description of a layer, holding no tensors. `init` makes the parameters
 * as a plain pytree, `apply` runs the layer; optimizers, VI and HMC see the same tree.
 *
 * Shapes: `inputShape` is the shape of ONE example (no batch axis), e.g. `[14]` for a Dense layer
 * on 14 features or `[28, 28, 1]` for a Conv2D. `apply` accepts any number of leading batch
 * dimensions in front of it.
 *
 * Ownership (DESIGN.md): `init` and `apply` return fresh tensors that the caller owns and never
 * dispose their inputs.
 */
export interface Module<P extends Tree = Tree> {
  /** The layer type, e.g. 'Dense'; containers name children `${kind}_${i}` as Flax does. */
  readonly kind: string;
  /** Parameters for examples of shape `inputShape`, drawn from `key`. */
  init(key: PRNGKey, inputShape: readonly number[]): P;
  /** The output for `x` of shape `[...batch, ...inputShape]`. */
  apply(params: P, x: tf.Tensor, options?: ApplyOptions): tf.Tensor;
  /** The shape of one output example for one input example of shape `inputShape`. */
  outputShape(inputShape: readonly number[]): number[];
  /** Stateful modules (BatchNorm, containers holding one): the initial state, e.g. running statistics. */
  initState?(inputShape: readonly number[]): Tree;
  /** Stateful modules: the output and the updated state (in training, running statistics move). */
  applyWithState?(params: P, x: tf.Tensor, options: StatefulApplyOptions): StatefulOutput;
  /** Containers: the child modules in order, for summaries and state threading. */
  readonly children?: readonly NamedModule[];
  /** Bayesian layers and containers holding them: the KL term of the weight posterior against the prior. */
  klDivergence?(params: P, options?: { readonly key?: PRNGKey }): tf.Scalar;
}

/** A child of a container, under the name its parameters live at. */
export interface NamedModule {
  readonly name: string;
  readonly module: Module;
}
