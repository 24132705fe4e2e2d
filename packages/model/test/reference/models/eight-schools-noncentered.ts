import * as tf from '@tensorflow/tfjs-core';
import { HalfCauchy, Normal } from '@probdl/distributions';
import type { ModelContext } from '../../../src/index.js';
import { asColumn, vectorOf } from './shapes.js';

/**
 * posteriordb `eight_schools_noncentered` (Stan):
 * ```stan
 * parameters { vector[J] theta_trans; real mu; real<lower=0> tau; }
 * transformed parameters { vector[J] theta = theta_trans * tau + mu; }
 * model { theta_trans ~ normal(0, 1); y ~ normal(theta, sigma); mu ~ normal(0, 5); tau ~ cauchy(0, 5); }
 * ```
 * `tau ~ cauchy(0, 5)` on `<lower=0>` is the half-Cauchy (Stan drops the factor 2; we keep it).
 * Latent sites in Stan's parameter order: theta_trans [J], mu [], tau [] (positive).
 */
export function eightSchoolsNoncentered(ctx: ModelContext, sigma: tf.Tensor, y?: tf.Tensor): tf.Tensor {
  const J = sigma.shape[0]!;
  const thetaTrans = ctx.sample('theta_trans', vectorOf(new Normal({ loc: 0, scale: 1 }), J));
  const mu = ctx.sample('mu', new Normal({ loc: 0, scale: 5 }));
  const tau = ctx.sample('tau', new HalfCauchy({ loc: 0, scale: 5 }));
  const theta = ctx.deterministic('theta', tf.add(tf.mul(thetaTrans, asColumn(tau)), asColumn(mu)));
  ctx.plate('schools', J, () => ctx.sample('y', new Normal({ loc: theta, scale: sigma }), { obs: y }));
  return theta;
}
