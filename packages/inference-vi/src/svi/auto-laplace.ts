import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '@probdl/model';
import { random } from '@probdl/tensor-backend';
import { makeAutoGuide } from './internal/guide-core.js';
import { laplaceScaleTril } from './internal/laplace-scale.js';
import type { AutoGuide, AutoGuideOptions } from './types.js';

/** Parameters of {@link autoLaplaceApproximation}: the point on the flat unconstrained position, `[D]`. */
export interface AutoLaplaceParams {
  [k: string]: tf.Tensor;
  /** `[D]`. */
  loc: tf.Tensor;
}

/**
 * NumPyro's `AutoLaplaceApproximation`: SVI fits a point mass on the flat unconstrained position,
 * with loss −log p(u) including the log-Jacobian of the constraining maps (the MAP of the
 * unconstrained density, as NumPyro's AutoContinuous guides); the posterior is then the Gaussian
 * N(u*, H⁻¹) with H = −∇² log p(u*), computed when it is asked for (`sample`, `quantiles`,
 * `sampleUnconstrained`, `asModel`) from the model at the arguments given to `init` (for a model
 * trained on minibatches, initialise the guide with the full data, without subsampling). A Hessian
 * that is not positive definite gives NaN draws. The median is the MAP point.
 *
 * The Hessian comes from a small private helper (tensor-backend's `hessian`, `inverse`, `cholesky`
 * on the device), not from this package's `laplace` (which works on the host, asynchronously).
 */
export function autoLaplaceApproximation<A extends unknown[]>(model: Model<A>, options: AutoGuideOptions = {}): AutoGuide<AutoLaplaceParams, A> {
  const loc = (p: AutoLaplaceParams, dim: number): tf.Tensor => {
    if (!(p?.loc instanceof tf.Tensor) || p.loc.rank !== 1 || p.loc.shape[0] !== dim) throw new RangeError(`AutoLaplaceApproximation: params must be { loc: [${dim}] }`);
    return p.loc;
  };
  return makeAutoGuide<AutoLaplaceParams, A>('AutoLaplaceApproximation', model, options, {
    initParams: (_key, start) => ({ loc: tf.clone(start) }),
    loss: (_key, params, step, _options, l) => tf.neg(tf.reshape(step.target.logDensityFn(loc(params, l.dim)), [])) as tf.Scalar,
    sampleUnconstrained(key, params, n, l) {
      const scale = laplaceScaleTril(l.proto, loc(params, l.dim));
      return tf.add(loc(params, l.dim), tf.matMul(random.normal(key, [n, l.dim]), tf.transpose(scale)));
    },
    loc: (params, l) => tf.clone(loc(params, l.dim)),
    marginalStd(params, l) {
      const scale = laplaceScaleTril(l.proto, loc(params, l.dim));
      return tf.sqrt(tf.sum(tf.square(scale), 1));
    },
  });
}
