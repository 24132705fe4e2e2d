import * as tf from '@tensorflow/tfjs-core';
import { valueAndGrad } from '@probdl/tensor-backend';
import type { HmcState, LogDensityFn } from '../types.js';

/**
 * The log density `[C]` and its gradient `[C, D]` at a batch of positions: chains are independent,
 * so the gradient of the sum is each chain's own gradient. Fresh tensors.
 */
export function logDensityAndGrad(logDensityFn: LogDensityFn, position: tf.Tensor): { logDensity: tf.Tensor; grad: tf.Tensor } {
  let perChain: tf.Tensor | undefined;
  const [total, grad] = valueAndGrad((p: tf.Tensor) => {
    const lp = logDensityFn(p);
    perChain = tf.keep(lp.clone());
    return tf.sum(lp);
  })(position);
  total.dispose();
  return { logDensity: perChain!, grad: grad as tf.Tensor };
}

/** The HMC state at a position (no key needed). */
export function stateAt(logDensityFn: LogDensityFn, position: tf.Tensor): HmcState {
  const { logDensity, grad } = logDensityAndGrad(logDensityFn, position);
  return { position: position.clone(), logDensity, logDensityGrad: grad };
}
