import * as tf from '@tensorflow/tfjs-core';
import { cholesky } from '@probdl/tensor-backend';
import { deviceFromFactor, devicePrecision } from './internal/device-algebra.js';
import { kernelFormLogEvidence } from './internal/kernel-form.js';
import { showShape } from './internal/inputs.js';
import { checkPositive } from './internal/validate.js';

/** Options of {@link blrLogEvidence}: numbers, or float32 tensors to differentiate through. */
export interface BlrLogEvidenceOptions {
  /** Prior precision: a number > 0, a scalar tensor or a `[D]` tensor (one per feature). Default 1. */
  alpha?: number | tf.Tensor;
  /** Noise variance σ²: a number > 0 or a scalar tensor. Default 1. */
  noiseVariance?: number | tf.Tensor;
  /** Prior mean, `[D]`; zero when left out. */
  priorMean?: tf.Tensor;
}

const FN = 'blrLogEvidence';

/**
 * The log evidence `log N(y | Φ m₀, σ² I + Φ diag(α)⁻¹ Φᵀ)` of conjugate Bayesian linear regression
 * as a float32 scalar tensor on the device, differentiable with respect to Φ, y, α, σ² and m₀ (so
 * a basis `Φ = f(x, θ)` built from tensors passes gradients to θ). Computed through the D × D
 * form: `-N/2 log(2πσ²) - ‖y - Φμ‖²/(2σ²) - (μ-m₀)ᵀdiag(α)(μ-m₀)/2 + (Σᵢ log αᵢ - log det A)/2`
 * with `A = diag(α) + ΦᵀΦ/σ²` and `μ = A⁻¹(diag(α) m₀ + Φᵀy/σ²)`. With fewer data than features
 * (N < D) it factors the N × N matrix `σ² I + Φ diag(α)⁻¹ Φᵀ` instead, the same value at the cost of
 * the smaller dimension (evidence maximisation over a 500-feature basis on 8 points).
 *
 * Synchronous and readback-free: when A is not positive definite (or α, σ² given as tensors are
 * not positive) the value is NaN rather than an error; {@link blrPosterior} checks and names the
 * problem. Inputs are not disposed; the result is a fresh tensor.
 *
 * @param phi `[N, D]` float32 tensor.
 * @param y `[N]` (or `[N, 1]`) float32 tensor.
 * @throws Error naming the argument when shapes do not fit or a number option is not > 0.
 */
export function blrLogEvidence(phi: tf.Tensor, y: tf.Tensor, options: BlrLogEvidenceOptions = {}): tf.Scalar {
  if (!(phi instanceof tf.Tensor) || phi.rank !== 2) {
    throw new Error(`${FN}: 'phi' must be a tensor of shape [N, D], got ${phi instanceof tf.Tensor ? `shape ${showShape(phi.shape)}` : typeof phi}`);
  }
  const [n, d] = phi.shape as [number, number];
  if (!(y instanceof tf.Tensor) || !(y.rank === 1 || (y.rank === 2 && y.shape[1] === 1))) {
    throw new Error(`${FN}: 'y' must be a tensor of shape [N] or [N, 1], got ${y instanceof tf.Tensor ? `shape ${showShape(y.shape)}` : typeof y}`);
  }
  if (y.shape[0] !== n) throw new Error(`${FN}: 'phi' has ${n} rows but 'y' has length ${y.shape[0]}; they must match`);
  const alpha = options.alpha ?? 1;
  const noise = options.noiseVariance ?? 1;
  if (typeof alpha === 'number') checkPositive(alpha, 'alpha', FN);
  else if (!(alpha.rank === 0 || (alpha.rank === 1 && alpha.shape[0] === d))) {
    throw new Error(`${FN}: 'alpha' must be a scalar or have shape [${d}], got shape ${showShape(alpha.shape)}`);
  }
  if (typeof noise === 'number') checkPositive(noise, 'noiseVariance', FN);
  else if (noise.size !== 1) throw new Error(`${FN}: 'noiseVariance' must be a scalar, got shape ${showShape(noise.shape)}`);
  if (options.priorMean !== undefined && !(options.priorMean.rank === 1 && options.priorMean.shape[0] === d)) {
    throw new Error(`${FN}: 'priorMean' must have shape [${d}], got shape ${showShape(options.priorMean.shape)}`);
  }
  return tf.tidy(() => {
    const inp = {
      phi: tf.cast(phi, 'float32'),
      y: tf.reshape(tf.cast(y, 'float32'), [n]),
      alpha: typeof alpha === 'number' ? tf.scalar(alpha) : alpha,
      noiseVariance: typeof noise === 'number' ? tf.scalar(noise) : tf.reshape(noise, []),
      priorMean: options.priorMean,
    };
    if (n < d) return kernelFormLogEvidence(inp);
    const { reversedPrecision, rhs } = devicePrecision(inp);
    return deviceFromFactor(inp, cholesky(reversedPrecision), rhs).logEvidence;
  });
}
