import * as tf from '@tensorflow/tfjs-core';
import { choleskyChecked } from '@probdl/tensor-backend';
import type { BlrOptions, BlrPosterior, DesignInput, VectorInput } from './types.js';
import { checkBlrInputs, checkAlphaValues } from './internal/validate.js';
import { hostBlr, precisionError } from './internal/host-algebra.js';
import { deviceFromFactor, devicePrecision } from './internal/device-algebra.js';
import { DevicePosterior, HostPosterior } from './internal/posterior-impl.js';
import { alphaToHost, deviceInputs, disposeDeviceInputs, hostInputs } from './internal/resolve.js';

const FN = 'blrPosterior';

/**
 * The exact posterior of conjugate Bayesian linear regression `y = Φ w + ε`, `ε ~ N(0, σ² I)`,
 * `w ~ N(m₀, diag(α)⁻¹)`:
 * `Σ = (diag(α) + ΦᵀΦ/σ²)⁻¹`, `μ = Σ (diag(α) m₀ + Φᵀy/σ²)`, with the log evidence
 * `log N(y | Φ m₀, σ² I + Φ diag(α)⁻¹ Φᵀ)` computed through the D × D form (never an N × N matrix).
 *
 * - `on: 'host'` (the default for D ≤ {@link BLR_HOST_MAX_DIM}): Φ and y are read back once and
 *   everything is float64 on `Float64Array`s; the result's tensors are float32 copies and
 *   `toHost()` gives the float64 values.
 * - `on: 'device'`: float32 tensor algebra (one Cholesky factorisation of the D × D precision,
 *   triangular solves); one readback checks the factorisation and one reads the evidence. The
 *   covariance and its factor (a triangular inverse, about 3D more kernel dispatches) are made on
 *   first access.
 *
 * The precision `A = Σ⁻¹` is factored as `A = R Rᵀ` with R upper triangular, so Σ's lower
 * Cholesky factor is `R⁻ᵀ` without factoring Σ again.
 *
 * @param phi the design matrix, `[N, D]` (tensor, `MatrixF64` or nested arrays); not disposed.
 * @param y the targets, `[N]` (or `[N, 1]`); not disposed.
 * @param options `{ alpha = 1, noiseVariance = 1, priorMean = 0, on }`.
 * @returns a {@link BlrPosterior} that owns its tensors (`dispose()` it).
 * @throws (rejects with) an Error naming the argument when the rows of Φ and the length of y
 *   differ, α or σ² is not a finite number > 0, Φ or y hold NaN/Inf (named on the host path), or the precision
 *   matrix is not positive definite (naming the feature and pivot).
 *
 * @example
 * const post = await blrPosterior(phi, y, { alpha: 5 });
 * const { mean, stddev } = await post.predict(phiTest, { includeNoise: true });
 * console.log(post.logEvidence);
 * post.dispose();
 */
export async function blrPosterior(phi: DesignInput, y: VectorInput, options: BlrOptions = {}): Promise<BlrPosterior> {
  const { n, d, noiseVariance, on } = checkBlrInputs(phi, y, options, FN);
  if (on === 'host') {
    const inp = await hostInputs(phi, y, options, d, FN);
    const parts = hostBlr(inp.phi, inp.y, inp.alpha, noiseVariance, inp.priorMean, FN);
    return new HostPosterior(n, inp.alpha, noiseVariance, parts);
  }
  const alpha = await alphaToHost(options.alpha, d);
  checkAlphaValues(alpha, FN);
  const inp = deviceInputs(phi, y, options);
  let k: tf.Tensor | undefined;
  let rhs: tf.Tensor | undefined;
  try {
    const pre = devicePrecision(inp);
    rhs = pre.rhs;
    try {
      k = await choleskyChecked(pre.reversedPrecision);
    } catch (e) {
      throw precisionError(FN, (e as Error).message, d);
    } finally {
      pre.reversedPrecision.dispose();
    }
    const { upper, mean, logEvidence } = deviceFromFactor(inp, k, rhs);
    let value: number;
    try {
      value = Number((await logEvidence.data())[0]);
    } finally {
      logEvidence.dispose();
    }
    if (!Number.isFinite(value)) {
      tf.dispose([mean, upper]);
      throw new Error(
        `${FN}: the log evidence is ${value}: 'phi', 'y' or 'priorMean' hold NaN or Inf values ` +
          `(the device path does not locate them; on: 'host' names the entry)`,
      );
    }
    return new DevicePosterior(n, alpha, noiseVariance, value, mean, upper);
  } finally {
    disposeDeviceInputs(inp);
    if (k !== undefined) k.dispose();
    if (rhs !== undefined) rhs.dispose();
  }
}
