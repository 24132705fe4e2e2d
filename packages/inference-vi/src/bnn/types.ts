import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@probdl/distributions';
import type { PRNGKey, Tree } from '@probdl/tensor-backend';

/**
 * What the BNN utilities pass to a module's `apply`: a key for its randomness (dropout masks, weight
 * draws), `training` (dropout on), `mcDropout` (dropout kept on at prediction time). The same fields
 * as @probdl/nn-layers' `ApplyOptions`; extra fields given in `applyOptions` pass through.
 */
export interface BnnApplyOptions {
  /** The randomness of Dropout and of Bayesian layers' weight draws. */
  readonly key?: PRNGKey;
  /** Training mode (dropout on). */
  readonly training?: boolean;
  /** Keep dropout on at prediction time (MC dropout); needs `key`. */
  readonly mcDropout?: boolean;
}

/**
 * The shape of a network that the BNN utilities train and predict with, written structurally so that
 * inference-vi needs no import of @probdl/nn-layers: every nn-layers `Module` satisfies it (`mlp`,
 * `sequential` with `dropout`, `bayesianMlp`, the Bayesian Dense layers).
 *
 * - `init(key, inputShape)`: parameters (a pytree) for examples of shape `inputShape` (no batch axis).
 * - `apply(params, x, options)`: the output for `x` `[batch, ...inputShape]`; fresh tensor.
 * - `klDivergence(params, { key })` (Bayesian modules): KL(q(w) || p(w)) of the weight posterior,
 *   a scalar. Modules without it contribute no KL term (plain maximum likelihood).
 */
export interface BnnModule<P extends Tree = Tree> {
  /** Parameters for examples of shape `inputShape`, drawn from `key`. */
  init(key: PRNGKey, inputShape: readonly number[]): P;
  /** The output for `x` of shape `[...batch, ...inputShape]`. */
  apply(params: P, x: tf.Tensor, options?: BnnApplyOptions): tf.Tensor;
  /** Bayesian modules: the KL term of the weight posterior against the prior (a scalar). */
  klDivergence?(params: P, options?: { readonly key?: PRNGKey }): tf.Scalar;
}

/**
 * The observation model of a regression or classification network: given the network's outputs
 * `[B, ...]` and the targets `y` `[B, ...]` of a batch, either
 * - a `Distribution` of @probdl/distributions whose `logProb(y)` is evaluated (and then summed over
 *   every axis but the first, so a batch of B examples gives `[B]`), or
 * - a tensor of log-likelihoods, `[B]` or `[B, ...]` (summed likewise to `[B]`).
 * Distributions it returns are disposed by the caller of the likelihood (the BNN utilities).
 */
export type Likelihood = (outputs: tf.Tensor, y: tf.Tensor) => Distribution | tf.Tensor;

/** A training set (or a batch): inputs `[N, ...inputShape]` and targets `[N, ...]` with the same N. */
export interface Dataset {
  /** Inputs, `[N, ...inputShape]`. */
  readonly x: tf.Tensor;
  /** Targets, `[N, ...]`. */
  readonly y: tf.Tensor;
}

/** A KL-annealing schedule: the weight β of the KL term at a (0-based) training step. */
export type KlSchedule = (step: number) => number;
