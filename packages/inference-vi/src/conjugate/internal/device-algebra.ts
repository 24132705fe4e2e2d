import * as tf from '@tensorflow/tfjs-core';
import { logDetFromCholesky, triangularSolve } from '@probdl/tensor-backend';

/** @internal The device (float32) inputs of conjugate regression: tensors, all read, none disposed. */
export interface DeviceBlrInputs {
  /** `[N, D]`. */
  phi: tf.Tensor;
  /** `[N]`. */
  y: tf.Tensor;
  /** Prior precision: a scalar tensor or `[D]`. */
  alpha: tf.Tensor;
  /** Noise variance, a scalar tensor. */
  noiseVariance: tf.Tensor;
  /** Prior mean `[D]`, or undefined for zero. */
  priorMean?: tf.Tensor | undefined;
}

/** @internal The reversed precision `J A J` (A = diag(α) + ΦᵀΦ/σ²) whose Cholesky factor is K; and `b = Φᵀy/σ² + α m₀`, `[D, 1]`. */
export function devicePrecision(inp: DeviceBlrInputs): { reversedPrecision: tf.Tensor2D; rhs: tf.Tensor2D } {
  return tf.tidy(() => {
    const { phi, y, alpha, noiseVariance } = inp;
    const d = phi.shape[1] as number;
    const phiT = tf.transpose(phi);
    const g = tf.div(tf.matMul(phiT, phi), noiseVariance);
    const a = tf.add(g, tf.mul(tf.eye(d), alpha));
    let rhs = tf.div(tf.matMul(phiT, tf.reshape(y, [-1, 1])), noiseVariance);
    if (inp.priorMean !== undefined) rhs = tf.add(rhs, tf.reshape(tf.mul(alpha, inp.priorMean), [-1, 1]));
    return { reversedPrecision: tf.reverse(a, [0, 1]) as tf.Tensor2D, rhs: rhs as tf.Tensor2D };
  });
}

/**
 * @internal Everything else from the Cholesky factor K of the reversed precision: `R = J K J`
 * (upper, `A = R Rᵀ`), the posterior mean and the log evidence; differentiable.
 */
export function deviceFromFactor(
  inp: DeviceBlrInputs,
  k: tf.Tensor,
  rhs: tf.Tensor,
): { upper: tf.Tensor2D; mean: tf.Tensor1D; logEvidence: tf.Scalar } {
  return tf.tidy(() => {
    const { phi, y, alpha, noiseVariance } = inp;
    const [n, d] = phi.shape as [number, number];
    const upper = tf.reverse(k, [0, 1]) as tf.Tensor2D;
    const z = triangularSolve(upper, rhs, { lower: false });
    const mean2 = triangularSolve(upper, z, { lower: false, transpose: true });
    const mean = tf.reshape(mean2, [d]) as tf.Tensor1D;
    const resid = tf.sub(tf.reshape(y, [n]), tf.reshape(tf.matMul(phi, mean2), [n]));
    const rss = tf.sum(tf.square(resid));
    const dm = inp.priorMean === undefined ? mean : tf.sub(mean, inp.priorMean);
    const prior = tf.sum(tf.mul(alpha, tf.square(dm)));
    const logAlpha = tf.log(alpha);
    const logDetPrior = alpha.rank === 0 ? tf.mul(logAlpha, d) : tf.sum(logAlpha);
    const logDetA = logDetFromCholesky(k);
    const logEvidence = tf.addN([
      tf.mul(tf.add(tf.log(noiseVariance), Math.log(2 * Math.PI)), -0.5 * n),
      tf.mul(tf.div(rss, noiseVariance), -0.5),
      tf.mul(prior, -0.5),
      tf.mul(tf.sub(logDetPrior, logDetA), 0.5),
    ]) as tf.Scalar;
    return { upper, mean, logEvidence };
  });
}

/** @internal `diag(Φ* Σ Φ*ᵀ)`, `[M]`: squared column norms of `R⁻¹ Φ*ᵀ`. */
export function devicePredictiveVariance(upper: tf.Tensor, phiStar: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.square(triangularSolve(upper, tf.transpose(phiStar), { lower: false })), 0) as tf.Tensor1D);
}

/** @internal The lower Cholesky factor `R⁻ᵀ` of Σ and `Σ = R⁻ᵀ R⁻¹` (exactly symmetric). */
export function deviceCovariance(upper: tf.Tensor): { scaleTril: tf.Tensor2D; covariance: tf.Tensor2D } {
  return tf.tidy(() => {
    const d = upper.shape[0] as number;
    const scaleTril = tf.linalg.bandPart(triangularSolve(upper, tf.eye(d), { lower: false, transpose: true }), -1, 0) as tf.Tensor2D;
    const c = tf.matMul(scaleTril, tf.transpose(scaleTril));
    const covariance = tf.mul(tf.add(c, tf.transpose(c)), 0.5) as tf.Tensor2D;
    return { scaleTril, covariance };
  });
}
