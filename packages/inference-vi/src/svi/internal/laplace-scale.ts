import * as tf from '@tensorflow/tfjs-core';
import { cholesky, hessian, inverse } from '@probdl/tensor-backend';
import type { LogDensityModel } from '@probdl/model';

/**
 * The lower Cholesky factor `[D, D]` of the Laplace covariance (−∇² log p(loc))⁻¹ at `loc` `[D]`,
 * on the device: the Hessian by reverse-over-reverse autodiff of the model's log density, inverted
 * and factorised. A Hessian that is not negative definite (loc not at a mode) gives NaN entries
 * (the device Cholesky's policy), which a caller can detect with one readback.
 */
export function laplaceScaleTril(target: LogDensityModel, loc: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const h = hessian((u: tf.Tensor) => tf.neg(target.logDensityFn(u)))(loc);
    const precision = tf.div(tf.add(h, tf.transpose(h)), 2);
    return cholesky(inverse(precision));
  });
}
