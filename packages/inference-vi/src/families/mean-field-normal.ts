import * as tf from '@tensorflow/tfjs-core';
import { MultivariateNormalDiag } from '@probdl/distributions';
import { random, softplus, type PRNGKey } from '@probdl/tensor-backend';
import { checkDim, checkNoise, disposeWith, inverseSoftplus } from './internal/util.js';
import type { VariationalFamily } from './types.js';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** Parameters of {@link meanFieldNormal}: `loc` `[D]` and the unconstrained scale `rawScale` `[D]`. */
export interface MeanFieldNormalParams {
  [k: string]: tf.Tensor;
  /** Mean, `[D]`. */
  loc: tf.Tensor;
  /** Unconstrained scale, `[D]`: scale = softplus(rawScale) (default) or exp(rawScale). */
  rawScale: tf.Tensor;
}

/** Options of {@link meanFieldNormal}. */
export interface MeanFieldNormalOptions {
  /**
   * Map from `rawScale` to the standard deviation: `'softplus'` (default; gradients stay bounded for
   * large scales) or `'exp'` (log-scale parametrisation, as in many papers and in the Indaba practical).
   */
  readonly scaleTransform?: 'softplus' | 'exp';
  /** Standard deviation of every coordinate at `init` (default 0.1, as NumPyro's AutoNormal). */
  readonly initScale?: number;
  /** `init` draws loc from N(0, initLocStd²) (default 0: loc starts at 0 and the key is unused). */
  readonly initLocStd?: number;
}

/**
 * The mean-field (fully factorised) Gaussian family q(z) = Π_i N(z_i | loc_i, scale_i²), whose
 * distribution is a `MultivariateNormalDiag` (so `kl(q, prior)` has a closed form against any
 * multivariate normal prior). Samples are `loc + scale ⊙ ε`; entropy Σ log scale_i + D/2 (1 + log 2π).
 */
export function meanFieldNormal(options: MeanFieldNormalOptions = {}): VariationalFamily<MeanFieldNormalParams> {
  const transform = options.scaleTransform ?? 'softplus';
  if (transform !== 'softplus' && transform !== 'exp') {
    throw new RangeError(`meanFieldNormal: option 'scaleTransform' must be 'softplus' or 'exp', got ${String(transform)}`);
  }
  const initScale = options.initScale ?? 0.1;
  if (!(initScale > 0 && Number.isFinite(initScale))) throw new RangeError(`meanFieldNormal: option 'initScale' must be a positive number, got ${initScale}`);
  const initLocStd = options.initLocStd ?? 0;
  if (!(initLocStd >= 0 && Number.isFinite(initLocStd))) throw new RangeError(`meanFieldNormal: option 'initLocStd' must be >= 0, got ${initLocStd}`);
  const scaleOf = (raw: tf.Tensor): tf.Tensor => (transform === 'exp' ? tf.exp(raw) : softplus(raw));
  const check = (fn: string, p: MeanFieldNormalParams): number => {
    if (!(p?.loc instanceof tf.Tensor) || !(p.rawScale instanceof tf.Tensor) || p.loc.rank !== 1 || p.rawScale.rank !== 1 || p.loc.shape[0] !== p.rawScale.shape[0]) {
      throw new RangeError(`meanFieldNormal.${fn}: params must be { loc: [D], rawScale: [D] }`);
    }
    return p.loc.shape[0]!;
  };
  return {
    name: 'meanFieldNormal',
    reparameterized: true,
    init(key: PRNGKey, dim: number): MeanFieldNormalParams {
      checkDim('meanFieldNormal.init', dim);
      const raw = transform === 'exp' ? Math.log(initScale) : inverseSoftplus(initScale);
      return {
        loc: initLocStd === 0 ? tf.zeros([dim]) : tf.tidy(() => tf.mul(random.normal(key, [dim]), initLocStd)),
        rawScale: tf.fill([dim], raw),
      };
    },
    distribution(params) {
      check('distribution', params);
      // The scale tensor is created here and freed with the distribution (or by the enclosing tidy).
      const scale = scaleOf(params.rawScale);
      return disposeWith(new MultivariateNormalDiag({ loc: params.loc, scaleDiag: scale, validateArgs: false }), [scale]);
    },
    dim: (params) => check('dim', params),
    noiseSize: (params) => check('noiseSize', params),
    fromNoise(params, eps) {
      checkNoise('meanFieldNormal.fromNoise', eps, check('fromNoise', params));
      return tf.tidy(() => tf.add(params.loc, tf.mul(scaleOf(params.rawScale), eps)));
    },
    entropy(params) {
      const d = check('entropy', params);
      return tf.tidy(() => {
        const logScale = transform === 'exp' ? params.rawScale : tf.log(softplus(params.rawScale));
        return tf.add(tf.sum(logScale), 0.5 * d * (1 + LOG_TWO_PI));
      });
    },
  };
}
