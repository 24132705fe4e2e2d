import type * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation } from '@probdl/optimizers';
import type { tree } from '@probdl/tensor-backend';
import type { VectorInput } from './types.js';

/**
 * A design matrix built from inputs by a basis with hyperparameters: `Φ = basis(x, hyper)`, written
 * with tensor ops so that gradients reach `hyper` (e.g. the log lengthscale of random Fourier
 * features, see {@link randomFourierFeatures}).
 */
export interface BasisDesign<H extends tree.TreeLike> {
  /** The inputs (any shape the basis takes); not disposed. */
  x: tf.Tensor;
  /** `(x, hyper) -> Φ`, `[N, D]`; called inside `tf.tidy` and differentiated. */
  basis: (x: tf.Tensor, hyper: H) => tf.Tensor;
  /** Initial hyperparameters: a tree of float32 tensors, unconstrained (use logs for positive ones); not disposed. */
  hyper: H;
}

/** Which hyperparameters {@link maximizeEvidence} learns; each defaults to true. */
export interface EvidenceLearn {
  /** The prior precision α (learned as log α). */
  alpha?: boolean;
  /** The noise variance σ² (learned as log σ²). */
  noiseVariance?: boolean;
  /** The basis hyperparameters of a {@link BasisDesign}. */
  basis?: boolean;
}

/** Options of {@link maximizeEvidence}. */
export interface MaximizeEvidenceOptions {
  /** Initial prior precision α > 0 (a scalar; the learned α is one number). Default 1. */
  alpha?: number;
  /** Initial noise variance σ² > 0. Default 1. */
  noiseVariance?: number;
  /** Prior mean m₀ (length D); zero when left out. */
  priorMean?: VectorInput;
  /** What to learn (default: everything). */
  learn?: EvidenceLearn;
  /**
   * `'gradient'` (default): gradient ascent on the device, float32, through autodiff (any basis).
   * `'mackay'`: MacKay's fixed-point updates `α ← γ/‖μ - m₀‖²`, `σ² ← ‖y − Φμ‖²/(N − γ)` with
   * `γ = D − α tr Σ`, in float64 on the host; needs a fixed Φ (no basis).
   */
  method?: 'gradient' | 'mackay';
  /** Optimizer for `'gradient'` (it minimises the negative log evidence). Default `adam(0.05)`. */
  optimizer?: GradientTransformation;
  /** The most steps (gradient) or iterations (MacKay). Default 500 (gradient), 1000 (MacKay). */
  maxSteps?: number;
  /**
   * Stopping rule. Gradient: stop when every partial derivative of the log evidence with respect
   * to the unconstrained parameters is below `tolerance` in absolute value (checked every
   * `checkEvery` steps; default 1e-3). MacKay: stop when log α and log σ² change by less than
   * `tolerance` (default 1e-10).
   */
  tolerance?: number;
  /** How often (in steps) the gradient method reads the gradient back to test `tolerance`. Default 25. */
  checkEvery?: number;
}

/** The log evidence at each step (before that step's update) and the hyperparameters there. */
export interface EvidenceHistory {
  /** Log evidence per step / iteration. */
  logEvidence: number[];
  /** α per step. */
  alpha: number[];
  /** σ² per step. */
  noiseVariance: number[];
}

/** The result of {@link maximizeEvidence}. */
export interface EvidenceOptimum<H> {
  /** The method that ran. */
  method: 'gradient' | 'mackay';
  /** α at the optimum. */
  alpha: number;
  /** σ² at the optimum. */
  noiseVariance: number;
  /** Basis hyperparameters at the optimum (fresh tensors the caller disposes); undefined without a basis. */
  hyper: H | undefined;
  /** Log evidence at the returned hyperparameters. */
  logEvidence: number;
  /** Log evidence at the initial hyperparameters. */
  initialLogEvidence: number;
  /**
   * The gradient of the log evidence at the optimum with respect to the unconstrained parameters
   * (0 for those not learned): `logAlpha`, `logNoiseVariance`, and `hyper` (the basis
   * hyperparameters ravelled in tree order; empty without a basis).
   */
  gradient: { logAlpha: number; logNoiseVariance: number; hyper: Float64Array };
  /** Per-step values. */
  history: EvidenceHistory;
  /** Steps (or iterations) taken. */
  steps: number;
  /** Whether the stopping rule was met before `maxSteps`. */
  converged: boolean;
}
