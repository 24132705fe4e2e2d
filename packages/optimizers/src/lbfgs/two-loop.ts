import * as tf from '@tensorflow/tfjs-core';

/** s·y style inner product of two vectors, as a scalar tensor. */
export function vdot(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(a, b)) as tf.Scalar;
}

/**
 * The L-BFGS two-loop recursion (Nocedal & Wright, Alg. 7.4): `H g` for the inverse-Hessian
 * approximation `H` built from the pairs `(s_i, y_i)` with weights `rho_i = 1 / (s_i·y_i)`, listed
 * oldest first, on top of `gamma · I`. A pair with weight 0 contributes nothing. Device ops only; the
 * caller wraps the call in `tf.tidy`.
 */
export function twoLoop(
  g: tf.Tensor,
  s: readonly tf.Tensor[],
  y: readonly tf.Tensor[],
  rho: readonly (tf.Scalar | number)[],
  gamma: tf.Scalar | number,
): tf.Tensor {
  const alphas: tf.Scalar[] = new Array<tf.Scalar>(s.length);
  let q = g;
  for (let i = s.length - 1; i >= 0; i--) {
    const a = tf.mul(rho[i]!, vdot(s[i]!, q)) as tf.Scalar;
    alphas[i] = a;
    q = tf.sub(q, tf.mul(a, y[i]!));
  }
  let r = tf.mul(gamma, q);
  for (let i = 0; i < s.length; i++) {
    const b = tf.mul(rho[i]!, vdot(y[i]!, r));
    r = tf.add(r, tf.mul(tf.sub(alphas[i]!, b), s[i]!));
  }
  return r;
}
