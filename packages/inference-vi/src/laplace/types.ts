import type * as tf from '@tensorflow/tfjs-core';
import type { MultivariateNormalTriL } from '@probdl/distributions';
import type { GradientTransformation } from '@probdl/optimizers';
import type { MatrixF64, PRNGKey } from '@probdl/tensor-backend';
import type { VariationalTarget } from '../elbo/target.js';

/**
 * The log density that {@link laplace} and {@link findMap} take, chosen by the position:
 * - for a position that is one `[D]` tensor, any {@link VariationalTarget} (what `elbo` and `fitVi`
 *   take): a batched function `[S, D]` → `[S]`, a `LogDensityModel` of @probdl/model, or
 *   `{ logLikelihood, prior }`; it is evaluated at `[1, D]`;
 * - for a position that is a pytree (a network's parameters), a function of the tree that returns
 *   a scalar log density; the approximation lives on the ravelled vector (`tree.ravel` order).
 */
export type LaplaceTarget<P> = VariationalTarget | ((position: P) => tf.Tensor);

/**
 * The likelihood of a GGN: the output-space Hessian of −log p(y | f) at the outputs f.
 * - `'gaussian'`: y ~ N(f, σ²), Hessian `I / σ²` (σ² from {@link GgnOptions.noiseVariance});
 * - `'bernoulli'`: y ~ Bernoulli(sigmoid(f)) with f the logits, Hessian `p (1 − p)`, p = sigmoid(f);
 * - `'categorical'`: y ~ Categorical(softmax(f)) with f the logits `[..., K]`, Hessian per row
 *   `diag(p) − p pᵀ`, p = softmax(f);
 * - a function of the outputs returning the diagonal of that Hessian, same shape as the outputs
 *   (any likelihood that factorises over the outputs, e.g. a Poisson's `exp(f)`).
 */
export type GgnLikelihood = 'gaussian' | 'bernoulli' | 'categorical' | ((outputs: tf.Tensor) => tf.Tensor);

/** What the generalized Gauss–Newton form needs: the network, its inputs, the likelihood and the prior precision. */
export interface GgnOptions<P = tf.Tensor> {
  /** The model's outputs for parameters `params` and inputs `inputs` (e.g. an MLP's apply), differentiable in params. */
  readonly apply: (params: P, inputs: tf.Tensor) => tf.Tensor;
  /** The inputs the likelihood is evaluated at (passed to `apply` as they are). */
  readonly inputs: tf.Tensor;
  /** The likelihood (see {@link GgnLikelihood}). */
  readonly likelihood: GgnLikelihood;
  /** `'gaussian'` only: the noise variance σ² (default 1). */
  readonly noiseVariance?: number;
  /**
   * The prior precision added to Jᵀ H J: a number (α I, the prior N(0, α⁻¹ I)), or one per
   * coordinate of the ravelled position (length D). Default 0 (an improper flat prior).
   */
  readonly priorPrecision?: number | ArrayLike<number> | tf.Tensor;
  /**
   * A multiplier on the data term (default 1): N / batch size when `inputs` is a minibatch of the
   * N data points, as a likelihood scaled for subsampling.
   */
  readonly likelihoodScale?: number;
}

/** Options of {@link laplace}. */
export interface LaplaceOptions<P = tf.Tensor> {
  /**
   * How the precision is formed: `'autodiff'` (default), the exact negative Hessian of the log
   * density by reverse-over-reverse autodiff; `'ggn'`, the generalized Gauss–Newton matrix
   * Jᵀ H_out J + prior precision (positive semi-definite by construction; needs {@link LaplaceOptions.ggn}).
   */
  readonly hessian?: 'autodiff' | 'ggn';
  /** The network, inputs, likelihood and prior of the `'ggn'` form. */
  readonly ggn?: GgnOptions<P>;
  /** Added to the diagonal of the precision before factorising (default 0): jitter for a nearly singular Hessian. */
  readonly damping?: number;
}

/** The approximation on the host in float64. */
export interface LaplaceHostValues {
  /** The mode (the ravelled MAP position), length D. */
  readonly mean: Float64Array;
  /** The precision −∇² log p (or the GGN) plus damping, `D × D`. */
  readonly precision: MatrixF64;
  /** Its inverse, the covariance, `D × D`. */
  readonly covariance: MatrixF64;
  /** The lower Cholesky factor of the covariance. */
  readonly scaleTril: MatrixF64;
}

/**
 * A Laplace approximation N(θ*, H⁻¹) around a mode θ*, over the ravelled position (length D). It owns
 * its tensors: call {@link LaplaceApproximation.dispose} once done (it also disposes `distribution`).
 */
export interface LaplaceApproximation<P = tf.Tensor> {
  /** D, the number of coordinates of the ravelled position. */
  readonly dim: number;
  /** The mode θ*, `[D]` (float32). */
  readonly mean: tf.Tensor1D;
  /** The covariance H⁻¹, `[D, D]`. */
  readonly covariance: tf.Tensor2D;
  /** The precision H, `[D, D]`. */
  readonly precision: tf.Tensor2D;
  /** The lower Cholesky factor of the covariance, `[D, D]`. */
  readonly scaleTril: tf.Tensor2D;
  /** N(mean, covariance) as a `MultivariateNormalTriL` of @probdl/distributions (event shape `[D]`). */
  readonly distribution: MultivariateNormalTriL;
  /** The log density at the mode, log p(θ*) (float64 readback of a float32 value). */
  readonly logDensityAtMode: number;
  /**
   * The Laplace approximation of the log normalising constant of the log density (the log evidence
   * when the log density is the log joint): `log p(θ*) + D/2 log 2π − ½ log det H`. Exact for a
   * Gaussian log density (conjugate linear regression).
   */
  readonly logEvidence: number;
  /** The float64 values the tensors were made from. */
  readonly host: LaplaceHostValues;
  /** Maps a `[D]` vector (e.g. a draw) back to the position's structure (fresh tensors). */
  unravel(flat: tf.Tensor): P;
  /** `n` draws `[n, D]` from the approximation. */
  sample(key: PRNGKey, n: number): tf.Tensor2D;
  /** Frees the tensors the approximation owns. */
  dispose(): void;
}

/** Options of {@link findMap}. */
export interface FindMapOptions<P> {
  /** The optimizer (e.g. `adam(1e-2, { b1: 0.99 })` of @probdl/optimizers, the Indaba practical's optax.adam). */
  readonly optimizer: GradientTransformation;
  /** The number of gradient steps (≥ 0). */
  readonly steps: number;
  /** Called after each step with the log density before the update; may be async. */
  readonly onStep?: (info: { readonly step: number; readonly logDensity: number; readonly position: P }) => void | Promise<void>;
}

/** What {@link findMap} returns. */
export interface FindMapResult<P> {
  /** The position after the last step (fresh tensors; the caller disposes them). */
  readonly position: P;
  /** The log density at every step, before its update (length `steps`). */
  readonly history: Float32Array;
}

