import type * as tf from '@tensorflow/tfjs-core';
import type { MatrixF64, PRNGKey } from '@probdl/tensor-backend';

/**
 * A design matrix Φ (`N × D`, one row per observation): a rank-2 float32 tensor, a float64 host
 * matrix, or nested arrays (one inner array per row).
 */
export type DesignInput = tf.Tensor | MatrixF64 | readonly (readonly number[])[];

/** A vector (targets `y`, a prior mean, per-feature precisions): a tensor of shape `[n]` or `[n, 1]`, or numbers. */
export type VectorInput = tf.Tensor | ArrayLike<number>;

/** Where the algebra runs: `'host'` in float64 on `Float64Array`s, `'device'` in float32 on tensors. */
export type BlrPlacement = 'host' | 'device';

/** Options of {@link blrPosterior} (and of the functions built on it). */
export interface BlrOptions {
  /**
   * The prior precision α > 0 of `w ~ N(m₀, α⁻¹ I)`: a number, or one per feature (length D, a
   * diagonal prior precision, as in automatic relevance determination). Default 1.
   */
  alpha?: number | VectorInput;
  /** The noise variance σ² > 0 of `y = Φ w + ε, ε ~ N(0, σ² I)`. Default 1. */
  noiseVariance?: number;
  /** The prior mean m₀ (length D). Default zeros. */
  priorMean?: VectorInput;
  /**
   * `'host'` (float64) or `'device'` (float32 tensors). Default: `'host'` when D ≤
   * {@link BLR_HOST_MAX_DIM} (256), `'device'` otherwise. The host path reads Φ and y back once.
   */
  on?: BlrPlacement;
}

/** Options of {@link BlrPosterior.predict}. */
export interface BlrPredictOptions {
  /**
   * Add the observation noise σ² to the predictive variance (the distribution of a new `y*`);
   * default false (the distribution of `Φ* w`, the epistemic part only).
   */
  includeNoise?: boolean;
}

/** The predictive marginals at new inputs: fresh `[M]` tensors that the caller disposes. */
export interface BlrPredictive {
  /** `Φ* μ`, `[M]`. */
  mean: tf.Tensor1D;
  /** `diag(Φ* Σ Φ*ᵀ)` (`+ σ²` with `includeNoise`), `[M]`. */
  variance: tf.Tensor1D;
  /** The square root of `variance`, `[M]`. */
  stddev: tf.Tensor1D;
}

/** The posterior in float64 on the host (from the host path exactly, from the device path by readback). */
export interface BlrHostValues {
  /** Posterior mean μ (length D). */
  mean: Float64Array;
  /** Posterior covariance Σ (`D × D`). */
  covariance: MatrixF64;
  /** The lower Cholesky factor of Σ (`Σ = L Lᵀ`). */
  scaleTril: MatrixF64;
}

/**
 * The exact Gaussian posterior `N(μ, Σ)` of conjugate Bayesian linear regression, with
 * `Σ = (A₀ + ΦᵀΦ/σ²)⁻¹`, `μ = Σ (A₀ m₀ + Φᵀy/σ²)` for the prior precision `A₀ = diag(α)`.
 *
 * It owns its tensors (`mean`, `covariance`, `scaleTril`): call {@link BlrPosterior.dispose} once
 * done. Methods return fresh tensors that the caller owns.
 */
export interface BlrPosterior {
  /** Where the algebra ran. */
  readonly on: BlrPlacement;
  /** The number of features D. */
  readonly numFeatures: number;
  /** The number of observations N. */
  readonly numData: number;
  /** The prior precision per feature (length D; constant for a scalar α). */
  readonly alpha: Float64Array;
  /** The noise variance σ². */
  readonly noiseVariance: number;
  /** Posterior mean μ, `[D]`: also the MAP and, for σ² = 1, the ridge solution with penalty α. */
  readonly mean: tf.Tensor1D;
  /** Posterior covariance Σ, `[D, D]` (made on first access on the device path; owned by the posterior). */
  readonly covariance: tf.Tensor2D;
  /** Lower Cholesky factor of Σ, `[D, D]` (made on first access, like `covariance`). */
  readonly scaleTril: tf.Tensor2D;
  /**
   * `log p(y) = log N(y | Φ m₀, σ² I + Φ A₀⁻¹ Φᵀ)`, computed through the D × D form:
   * `-N/2 log(2πσ²) - ‖y - Φμ‖²/(2σ²) - (μ-m₀)ᵀA₀(μ-m₀)/2 + (log det A₀ - log det A)/2`
   * with `A = Σ⁻¹`. Float64 on the host path; float32 (read back) on the device path.
   */
  readonly logEvidence: number;
  /** Predictive mean and standard deviation at `phiStar` (`M × D`), with or without the noise. */
  predict(phiStar: DesignInput, options?: BlrPredictOptions): Promise<BlrPredictive>;
  /** `n` posterior draws of w, `[n, D]`: `μ + L z` with `z = random.normal(key, [n, D])`. */
  samplePosterior(key: PRNGKey, n: number): tf.Tensor2D;
  /** The posterior as float64 host values. */
  toHost(): Promise<BlrHostValues>;
  /** Frees the tensors this posterior owns; later calls to its methods throw. */
  dispose(): void;
}
