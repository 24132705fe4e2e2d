import type * as tf from '@tensorflow/tfjs-core';
import { HalfNormal, Normal } from '@probdl/distributions';
import type { ModelContext } from '../../../src/index.js';
import { asColumn, matVec, vectorOf } from './shapes.js';

/**
 * posteriordb `blr` (Stan), Bayesian linear regression:
 * ```stan
 * parameters { vector[D] beta; real<lower=0> sigma; }
 * model { target += normal_lpdf(beta | 0, 10); target += normal_lpdf(sigma | 0, 10);
 *   target += normal_lpdf(y | X * beta, sigma); }
 * ```
 * `normal_lpdf(sigma | 0, 10)` on `<lower=0>` is the half-normal (Stan omits the factor 2; we keep it).
 * Latent sites: beta [D], sigma [].
 */
export function sblrcBlr(ctx: ModelContext, X: tf.Tensor, y?: tf.Tensor): void {
  const [N, D] = X.shape as [number, number];
  const beta = ctx.sample('beta', vectorOf(new Normal({ loc: 0, scale: 10 }), D));
  const sigma = ctx.sample('sigma', new HalfNormal({ scale: 10 }));
  const mu = matVec(X, beta);
  ctx.plate('data', N, () => ctx.sample('y', new Normal({ loc: mu, scale: asColumn(sigma) }), { obs: y }));
}
