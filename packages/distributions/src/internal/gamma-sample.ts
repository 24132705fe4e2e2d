import * as tf from '@tensorflow/tfjs-core';
import { igamma, lgamma, random, type PRNGKey } from '@probdl/tensor-backend';

/**
 * dx/dα of a Gamma(α, 1) sample x held at a fixed CDF level (implicit reparameterisation,
 * Figurnov et al. 2018): dx/dα = -(∂P(α, x)/∂α) / f(x; α), with P the regularised lower incomplete
 * gamma function (tensor-backend's `igamma`, whose a-derivative is forward-mode exact) and f the
 * Gamma(α, 1) density. Formed in log space, |∂P/∂α| / f = exp(log|∂P/∂α| - log f), so that neither a
 * tiny density nor a tiny derivative overflows. `alpha` and `x` have one shape; entries with x = 0
 * (samples that underflowed float32) get 0. Returns a fresh tensor. It takes `igamma`'s gradient with
 * `tf.grad`, so call it where tfjs can record a tape: not inside a backward pass (a nested gradient there
 * clears the outer tape) nor inside a `tf.customGrad` forward (the tape is paused there).
 */
export function gammaSampleGradient(alpha: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const dPda = tf.grad((a: tf.Tensor) => igamma(a, x))(alpha);
    const positive = tf.greater(x, 0);
    const xs = tf.where(positive, x, 1);
    const logDensity = tf.sub(tf.sub(tf.mul(tf.sub(alpha, 1), tf.log(xs)), xs), lgamma(alpha));
    // ∂P/∂α <= 0 (a larger α moves mass to the right), so dx/dα >= 0.
    const magnitude = tf.exp(tf.sub(tf.log(tf.neg(dPda)), logDensity));
    const ok = tf.logicalAnd(positive, tf.less(dPda, 0));
    return tf.where(ok, magnitude, tf.zerosLike(x));
  });
}

/**
 * A copy of `t` that the gradient tape does not connect to `t` (a custom op with no tensor inputs),
 * so that nothing computed from it is backpropagated into `t`.
 */
function detach(t: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((() => ({ value: tf.clone(t), gradFunc: () => [] })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (op as unknown as () => tf.Tensor)();
}

/** Value `x`, gradient `dy * g` in `alpha` (and none in x or g). */
const withGradient = tf.customGrad(((alpha: tf.Tensor, x: tf.Tensor, g: tf.Tensor, save: tf.GradSaveFunc) => {
  save([g]);
  return {
    value: tf.clone(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0]!), tf.zeros(x.shape), tf.zeros(g.shape)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * Reparameterised Gamma(concentration, 1) samples of shape `shape` (concentration broadcasts to it):
 * drawn with tensor-backend's `random.gamma` from `key`, with a gradient in concentration by
 * implicit reparameterisation (`gammaSampleGradient`); gradients of a broadcast concentration
 * are summed back to its shape. Divide by a rate (or multiply by a scale) yourself: those gradients
 * flow through ordinary ops. Samples below float32's range are 0 (concentration below about 0.05),
 * with gradient 0. Returns a fresh float32 tensor.
 *
 * The gradient dx/dα is computed with the sample, and only while a gradient tape records
 * (`tf.grad`, `valueAndGrad`): tfjs cannot take a nested gradient inside a backward pass, and
 * `igamma`'s derivative in its first argument is reached through its own gradient.
 */
export function sampleGamma(key: PRNGKey, concentration: tf.Tensor, shape: number[]): tf.Tensor {
  return tf.tidy(() => {
    const alpha = tf.broadcastTo(concentration, shape);
    if (!tf.engine().isTapeOn()) return random.gamma(key, alpha, shape);
    // Sample and gradient from a detached copy, so that no tfjs-derived gradient of the sampler
    // or of igamma's derivative reaches the concentration; only g does, through withGradient.
    const detached = detach(alpha);
    const x = detach(random.gamma(key, detached, shape));
    const g = gammaSampleGradient(detached, x);
    return withGradient(alpha, x, g);
  });
}
