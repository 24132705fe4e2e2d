import type * as tf from '@tensorflow/tfjs-core';

/**
 * Which ELBO estimator {@link elbo} computes (its value and, through autodiff, its gradient):
 * - `'reparameterized'` (default): E_q[log p(z) − log q(z)] with z = fromNoise(φ, ε) (the entropy
 *   form; `entropy: 'analytic'` uses E_q[log p] + H[q] instead).
 * - `'analyticKl'`: E_q[log p(data | z)] − KL(q ‖ prior), for a `{ logLikelihood, prior }` target
 *   whose pair has a closed-form KL (`kl` of @probdl/distributions).
 * - `'scoreFunction'`: REINFORCE with a baseline, for families that cannot be reparameterised: a
 *   surrogate whose value is the ELBO estimate and whose gradient is
 *   mean((f_s − b_s) ∇ log q(z_s)), f = log p − log q, z drawn without gradient.
 * - `'iwae'`: the importance-weighted bound log (1/K) Σ_k exp(log p(z_k) − log q(z_k)).
 * - `'renyi'`: the variational Rényi bound 1/(1−α) log (1/K) Σ_k exp((1−α)(log p − log q));
 *   α = 0 is IWAE, α → 1 the ELBO (α = 1 is computed as the ELBO).
 */
export type ElboEstimator = 'reparameterized' | 'analyticKl' | 'scoreFunction' | 'iwae' | 'renyi';

/** Options of {@link elbo}, {@link negativeElbo} and {@link elboTerms}. */
export interface ElboOptions {
  /** S, the number of draws (default 1; with `eps`, its first dimension). */
  readonly numSamples?: number;
  /** The estimator (default `'reparameterized'`). */
  readonly estimator?: ElboEstimator;
  /**
   * Injected standard-normal base draws `[S, noiseSize]` used instead of the key (the family's
   * `fromNoise` maps them to samples): reproduces a reference run that drew its own noise.
   */
  readonly eps?: tf.Tensor;
  /**
   * `'reparameterized'` only: `'monteCarlo'` (default) estimates −E[log q] from the draws;
   * `'analytic'` uses the family's closed-form entropy.
   */
  readonly entropy?: 'monteCarlo' | 'analytic';
  /**
   * `'reparameterized'` with Monte Carlo entropy only: sticking-the-landing gradients (Roeder et al.
   * 2017): log q(z) is evaluated with detached parameters (z itself keeps its gradient), dropping the
   * zero-mean score term. The value is unchanged; the gradient has zero variance at q = posterior.
   */
  readonly stickingTheLanding?: boolean;
  /** `'iwae'` / `'renyi'`: K, the samples per bound (default S); S must be a multiple of K and the S/K bounds are averaged. */
  readonly k?: number;
  /** `'renyi'`: α (default 0.5); any real number. */
  readonly alpha?: number;
  /**
   * `'scoreFunction'`: the baseline b subtracted from f before multiplying the score.
   * `'leaveOneOut'` (default; needs S ≥ 2): b_s = mean of f over the other draws, which keeps the
   * estimator unbiased. `'none'`: b = 0. A number or scalar tensor: a constant, such as a running
   * average of past ELBO values that the caller keeps.
   */
  readonly baseline?: 'leaveOneOut' | 'none' | number | tf.Tensor;
}

/** What {@link elboTerms} returns: the estimate and the per-draw (per-group for IWAE/Rényi) terms it averages. */
export interface ElboTerms {
  /** The ELBO estimate, a scalar (the mean of `terms`). */
  readonly value: tf.Scalar;
  /**
   * `[S]` for the ELBO forms (log p − log q per draw, log-likelihood − KL for `'analyticKl'`,
   * log p + H for analytic entropy), `[S/K]` for IWAE and Rényi (one bound per group). Their standard
   * deviation over √length is the Monte Carlo standard error of `value`. Gradients are not meaningful
   * for `'scoreFunction'` terms (use `value`).
   */
  readonly terms: tf.Tensor;
}
