import * as tf from '@tensorflow/tfjs-core';
import { HalfCauchy, Normal, real } from '@probdl/distributions';
import type { ModelContext } from '../../../src/index.js';
import { ImproperUniform } from './improper-uniform.js';
import { asColumn, entry } from './shapes.js';

/**
 * posteriordb `kidscore_momiq` (Stan):
 * ```stan
 * parameters { vector[2] beta; real<lower=0> sigma; }
 * model { sigma ~ cauchy(0, 2.5); kid_score ~ normal(beta[1] + beta[2] * mom_iq, sigma); }
 * ```
 * beta has no prior statement: the flat prior on R² ({@link ImproperUniform}). `sigma ~ cauchy` on
 * `<lower=0>` is the half-Cauchy. Latent sites: beta [2], sigma [].
 */
export function kidiqKidscoreMomiq(ctx: ModelContext, momIq: tf.Tensor, kidScore?: tf.Tensor): void {
  const N = momIq.shape[0]!;
  const beta = ctx.sample('beta', new ImproperUniform(real, [], [2]));
  const sigma = ctx.sample('sigma', new HalfCauchy({ loc: 0, scale: 2.5 }));
  const mu = tf.add(entry(beta, 0), tf.mul(entry(beta, 1), momIq));
  ctx.plate('data', N, () => ctx.sample('kid_score', new Normal({ loc: mu, scale: asColumn(sigma) }), { obs: kidScore }));
}
