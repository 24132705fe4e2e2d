import * as tf from '@tensorflow/tfjs-core';
import { logDetFromCholesky, triangularSolve } from '@probdl/tensor-backend';
import type { MultivariateNormalDiag } from '../multivariate/multivariate-normal-diag.js';
import type { MultivariateNormalTriL } from '../multivariate/multivariate-normal-tril.js';
import { normalKlFromParams } from './normal-normal.js';

/**
 * The boolean lower-triangle mask (diagonal included) of a d×d matrix, built on the host:
 * `tf.linalg.bandPart` goes through unstack/stack, whose gradient fails in tfjs 4.22 when some
 * slices get no gradient, and `where` keeps junk (even Inf) in the upper triangle out.
 */
function lowerMask(d: number): tf.Tensor {
  const m = new Uint8Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) m[i * d + j] = 1;
  return tf.tensor2d(m, [d, d], 'bool');
}

/**
 * KL(MultivariateNormalTriL || MultivariateNormalTriL), for every scale form (Diag and
 * FullCovariance are subclasses and carry their lower factor in `scaleTril`):
 *
 * 0.5 [tr(Σq⁻¹Σp) + (μq - μp)ᵀ Σq⁻¹ (μq - μp) - d + log det Σq - log det Σp]
 *
 * from the Cholesky factors only, with two triangular solves: tr(Σq⁻¹Σp) = ‖Lq⁻¹Lp‖_F² and the
 * Mahalanobis term = ‖Lq⁻¹(μq - μp)‖²; log det Σ = 2 Σ log |L_ii|. No covariance is formed, so an
 * ill-conditioned Σ loses no more than its factor does. Only the lower triangles are read.
 */
export function klMvnMvn(p: MultivariateNormalTriL, q: MultivariateNormalTriL): tf.Tensor {
  return tf.tidy(() => {
    const d = p.eventShape[0]!;
    const lp = tf.where(lowerMask(d), p.scaleTril, 0);
    const lq = q.scaleTril;
    const traceTerm = tf.sum(tf.square(triangularSolve(lq, lp, { lower: true })), [-2, -1]);
    const diff = tf.expandDims(tf.sub(q.loc, p.loc), -1);
    const maha = tf.sum(tf.square(triangularSolve(lq, diff, { lower: true })), [-2, -1]);
    const logDetRatio = tf.sub(logDetFromCholesky(lq), logDetFromCholesky(p.scaleTril));
    return tf.mul(0.5, tf.add(tf.add(traceTerm, maha), tf.sub(logDetRatio, d)));
  });
}

/**
 * KL(MultivariateNormalDiag || MultivariateNormalDiag): the sum over the event axis of the
 * elementwise Normal–Normal KL of the coordinates (exact, O(d) instead of two triangular solves).
 */
export function klMvnDiagMvnDiag(p: MultivariateNormalDiag, q: MultivariateNormalDiag): tf.Tensor {
  return tf.tidy(() => tf.sum(normalKlFromParams(p.loc, p.scaleDiag, q.loc, q.scaleDiag), -1));
}
