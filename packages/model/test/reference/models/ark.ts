import * as tf from '@tensorflow/tfjs-core';
import { HalfCauchy, Normal } from '@probdl/distributions';
import type { ModelContext } from '../../../src/index.js';
import { asColumn, matVec, vectorOf } from './shapes.js';

/**
 * posteriordb `arK` (Stan), an AR(K) series:
 * ```stan
 * parameters { real alpha; array[K] real beta; real<lower=0> sigma; }
 * model { alpha ~ normal(0, 10); beta ~ normal(0, 10); sigma ~ cauchy(0, 2.5);
 *   for (t in (K + 1):T) y[t] ~ normal(alpha + sum_k beta[k] * y[t - k], sigma); }
 * ```
 * `sigma ~ cauchy(0, 2.5)` on `<lower=0>` is the half-Cauchy. Latent sites: alpha [], beta [K], sigma [].
 */
export function arK(ctx: ModelContext, K: number, y: tf.Tensor): void {
  const T = y.shape[0]!;
  const alpha = ctx.sample('alpha', new Normal({ loc: 0, scale: 10 }));
  const beta = ctx.sample('beta', vectorOf(new Normal({ loc: 0, scale: 10 }), K));
  const sigma = ctx.sample('sigma', new HalfCauchy({ loc: 0, scale: 2.5 }));
  // lags[i, k-1] = y[K + i - k] (0-based), for the T - K predicted points t = K + i.
  const lags = tf.stack(
    Array.from({ length: K }, (_, j) => tf.slice(y, [K - (j + 1)], [T - K])),
    -1,
  );
  const mu = tf.add(asColumn(alpha), matVec(lags, beta));
  ctx.plate('time', T - K, () => ctx.sample('y', new Normal({ loc: mu, scale: asColumn(sigma) }), { obs: tf.slice(y, [K], [T - K]) }));
}
