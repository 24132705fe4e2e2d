import * as tf from '@tensorflow/tfjs-core';
import { Normal, positive, real } from '@probdl/distributions';
import type { ModelContext } from '../../../src/index.js';
import { ImproperUniform } from './improper-uniform.js';
import { asColumn, entry } from './shapes.js';

/**
 * posteriordb `logearn_height` (Stan):
 * ```stan
 * transformed data { vector[N] log_earn = log(earn); }
 * parameters { vector[2] beta; real<lower=0> sigma; }
 * model { log_earn ~ normal(beta[1] + beta[2] * height, sigma); }
 * ```
 * Neither parameter has a prior statement: flat on R² and on (0, inf) ({@link ImproperUniform}).
 * Latent sites: beta [2], sigma [].
 */
export function earningsLogearnHeight(ctx: ModelContext, height: tf.Tensor, earn?: tf.Tensor): void {
  const N = height.shape[0]!;
  const beta = ctx.sample('beta', new ImproperUniform(real, [], [2]));
  const sigma = ctx.sample('sigma', new ImproperUniform(positive));
  const logEarn = earn === undefined ? undefined : tf.log(earn);
  const mu = tf.add(entry(beta, 0), tf.mul(entry(beta, 1), height));
  ctx.plate('data', N, () => ctx.sample('log_earn', new Normal({ loc: mu, scale: asColumn(sigma) }), { obs: logEarn }));
}
