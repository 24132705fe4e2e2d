import * as tf from '@tensorflow/tfjs-core';
import { substitute } from '../handlers/substitute.js';
import { trace } from '../handlers/trace.js';
import { siteLogProb } from '../log-prob.js';
import type { Model } from '../types.js';
import { drawAt, leadingSize } from './samples.js';

/**
 * The pointwise log likelihood of every observed sample site for each posterior draw (NumPyro's
 * `log_likelihood`; the input of WAIC and PSIS-LOO): `{ name: [S, ...site batch shape] }`, not summed
 * over data points, with the site's scale and mask applied (see `siteLogProb`). Draw s of
 * `posteriorSamples` (leading axis S) is substituted into the model; every latent site must be
 * given (the model runs without a seed, so a missing one is an error naming it). Fresh tensors.
 */
export function logLikelihood<A extends unknown[]>(
  model: Model<A>,
  posteriorSamples: Readonly<Record<string, tf.Tensor>>,
  ...args: A
): Record<string, tf.Tensor> {
  if (typeof model !== 'function') throw new TypeError('logLikelihood: model must be a function (ctx, ...args) => result');
  const S = leadingSize('logLikelihood', posteriorSamples);
  if (S === undefined) throw new TypeError('logLikelihood: posteriorSamples is empty');
  const per: Record<string, tf.Tensor>[] = [];
  try {
    for (let s = 0; s < S; s++) {
      per.push(
        tf.tidy(() => {
          const tr = trace(substitute(model, drawAt(posteriorSamples, s))).getTrace(...args);
          const out: Record<string, tf.Tensor> = {};
          for (const site of tr.values()) if (site.type === 'sample' && site.isObserved) out[site.name] = siteLogProb(site)!;
          return out;
        }),
      );
    }
    const out: Record<string, tf.Tensor> = {};
    for (const n of Object.keys(per[0]!)) out[n] = tf.stack(per.map((p) => p[n]!));
    return out;
  } finally {
    for (const p of per) tf.dispose(p);
  }
}
