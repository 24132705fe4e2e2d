import * as tf from '@tensorflow/tfjs-core';
import { sigmoid as stableSigmoid, softplus as stableSoftplus } from '@probdl/tensor-backend';

/** The activations a layer can name. */
export type ActivationName =
  | 'identity'
  | 'linear'
  | 'relu'
  | 'leakyRelu'
  | 'elu'
  | 'gelu'
  | 'silu'
  | 'swish'
  | 'sigmoid'
  | 'tanh'
  | 'softplus'
  | 'softmax';

/** An activation: a name, or any elementwise (or last-axis) function of a tensor. */
export type Activation = ActivationName | ((x: tf.Tensor) => tf.Tensor);

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** x ↦ x. */
export function identity(x: tf.Tensor): tf.Tensor {
  return tf.clone(x);
}
/** max(x, 0). */
export function relu(x: tf.Tensor): tf.Tensor {
  return tf.relu(x);
}
/** x for x > 0, `alpha`·x otherwise (Flax's default slope 0.01). */
export function leakyRelu(x: tf.Tensor, alpha = 0.01): tf.Tensor {
  return tf.leakyRelu(x, alpha);
}
/** x for x > 0, exp(x) − 1 otherwise. */
export function elu(x: tf.Tensor): tf.Tensor {
  return tf.elu(x);
}
/**
 * Gaussian error linear unit, the tanh approximation that Flax's `gelu` uses by default:
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
  });
}
/** x·sigmoid(x) (also called swish). */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(x, stableSigmoid(x)));
}
/** 1 / (1 + exp(−x)). */
export function sigmoid(x: tf.Tensor): tf.Tensor {
  return stableSigmoid(x);
}
/** Hyperbolic tangent. */
export function tanh(x: tf.Tensor): tf.Tensor {
  return tf.tanh(x);
}
/** log(1 + exp(x)), stable for large |x|. */
export function softplus(x: tf.Tensor): tf.Tensor {
  return stableSoftplus(x);
}
/** softmax over the last axis. */
export function softmax(x: tf.Tensor): tf.Tensor {
  return tf.softmax(x, -1);
}

const BY_NAME: Record<ActivationName, (x: tf.Tensor) => tf.Tensor> = {
  identity,
  linear: identity,
  relu,
  leakyRelu: (x) => leakyRelu(x),
  elu,
  gelu,
  silu,
  swish: silu,
  sigmoid,
  tanh,
  softplus,
  softmax,
};

/** The names {@link resolveActivation} accepts. */
export const ACTIVATION_NAMES = Object.keys(BY_NAME) as ActivationName[];

/** The function for an activation name (or the function itself); an unknown name is an error listing the known ones. */
export function resolveActivation(activation: Activation | undefined, where = 'activation'): (x: tf.Tensor) => tf.Tensor {
  if (activation === undefined) return identity;
  if (typeof activation === 'function') return activation;
  const fn = BY_NAME[activation];
  if (fn === undefined) {
    throw new RangeError(`${where}: unknown activation '${String(activation)}'; expected a function or one of ${ACTIVATION_NAMES.join(', ')}`);
  }
  return fn;
}
