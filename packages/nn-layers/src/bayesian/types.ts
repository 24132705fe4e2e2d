import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@probdl/distributions';
import type { PRNGKey } from '@probdl/tensor-backend';
import type { Activation } from '../core/activations.js';
import type { ApplyOptions, Module } from '../core/module.js';
import type { Initializer } from '../initializers/types.js';

/**
 * The variational parameters of a Bayesian Dense layer (a mean-field Gaussian posterior per weight):
 * the kernel posterior is Normal(kernelLoc, softplus(kernelUntransformedScale)), both `[in, out]`.
 * The bias (`[out]`) is a point mass at `biasLoc` (TFP's default), or Normal(biasLoc,
 * softplus(biasUntransformedScale)) with `biasPosterior: 'normal'`; absent with `useBias: false`.
 */
export type BayesianDenseParams = {
  readonly kernelLoc: tf.Tensor;
  readonly kernelUntransformedScale: tf.Tensor;
  readonly biasLoc?: tf.Tensor;
  readonly biasUntransformedScale?: tf.Tensor;
};

/** A prior built for a weight array of the given shape (`[in, out]` for the kernel, `[out]` for the bias). */
export type PriorFactory = (shape: readonly number[]) => Distribution;

/**
 * A prior over a weight array: a distribution whose `batchShape + eventShape` broadcasts to the
 * weight shape without growing it (a scalar-batch one is a prior per weight, i.i.d.), or a
 * {@link PriorFactory}. A distribution passed in stays the caller's (never disposed here); one made
 * by a factory is built inside the KL's `tf.tidy`, so tensors it uploads are freed with that scope.
 */
export type Prior = Distribution | PriorFactory;

/** The bias posterior: a point mass (TFP's default; no KL term) or a Gaussian per bias. */
export type BiasPosterior = 'pointMass' | 'normal';

/** Options of {@link denseReparameterization}, {@link denseFlipout} and {@link denseLocalReparameterization}. */
export interface BayesianDenseOptions {
  /** Applied to the pre-activations; default identity. */
  readonly activation?: Activation;
  /** Whether the layer has a bias (default true). */
  readonly useBias?: boolean;
  /** `'pointMass'` (default, as TFP's `default_mean_field_normal_fn(is_singular=True)`) or `'normal'`. */
  readonly biasPosterior?: BiasPosterior;
  /** The prior of the kernel and of a Gaussian bias unless overridden below; default Normal(0, 1) per weight. */
  readonly prior?: Prior;
  /** The kernel's prior (default `prior`). */
  readonly kernelPrior?: Prior;
  /** The prior of a Gaussian bias (default `prior`); unused with a point-mass bias, which has no KL term. */
  readonly biasPrior?: Prior;
  /**
   * Monte Carlo draws per KL term when the prior has no closed-form KL against a Normal (default 1,
   * like TFP's sampled KL: unbiased, and cheap in a training step; raise it for a quieter estimate).
   */
  readonly klSamples?: number;
  /** Initialiser of `kernelLoc` and `biasLoc`; default TFP's `random_normal(stddev=0.1)`. */
  readonly locInitializer?: Initializer;
  /** Initialiser of the untransformed scales; default TFP's `random_normal(mean=-3, stddev=0.1)` (scale ≈ softplus(-3) ≈ 0.049). */
  readonly untransformedScaleInitializer?: Initializer;
}

/**
 * `apply` options of the Bayesian layers: those of every module plus `sample`.
 * - `sample` (default true): draw the weights (or pre-activations) from the posterior, which needs
 *   `key`. With `sample: false` the layer is deterministic and uses the posterior means (the kernel
 *   and bias locs); no key is needed.
 * - `training` does not change a Bayesian layer: like TFP's layers it samples in training and at
 *   prediction alike (`sample: false` is the way to switch the noise off).
 */
export interface BayesianApplyOptions extends ApplyOptions {
  readonly sample?: boolean;
}

/** Options of `klDivergence`: `key` is needed only when some prior has no closed-form KL (Monte Carlo). */
export interface KlDivergenceOptions {
  readonly key?: PRNGKey;
}

/** A Bayesian Dense layer: a {@link Module} whose `apply` draws weights and whose `klDivergence` is always defined. */
export interface BayesianDenseLayer extends Module<BayesianDenseParams> {
  /** The number of output features. */
  readonly units: number;
  apply(params: BayesianDenseParams, x: tf.Tensor, options?: BayesianApplyOptions): tf.Tensor;
  /**
   * The sum over the kernel's weights (and a Gaussian bias's) of KL(posterior || prior), a scalar:
   * closed form where `kl` of @probdl/distributions has the pair, Monte Carlo otherwise (needs `key`;
   * the kernel term draws from `split(key, 2)[0]`, a Gaussian bias's from `split(key, 2)[1]`).
   */
  klDivergence(params: BayesianDenseParams, options?: KlDivergenceOptions): tf.Scalar;
}
