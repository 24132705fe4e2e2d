import * as tf from '@tensorflow/tfjs-core';
import { logSigmoid } from '@probdl/tensor-backend';
import { asFloat, checkSameShape, checkTensor, reduce, resolveReduction } from './internal/loss-utils.js';
import type { LossOptions, ScalarLossOptions } from './types.js';

/**
 * Binary cross-entropy from logits (Optax's `sigmoid_binary_cross_entropy`), elementwise:
 * −y·log σ(x) − (1 − y)·log σ(−x), with the stable log σ(x) = min(x, 0) − log1p(e^−|x|), so logits
 * of ±100 give finite losses and gradients. Labels are probabilities in [0, 1] (soft labels allowed)
 * of the same shape as the logits. Reduced by `reduction` (default: the mean over every element).
 */
export function sigmoidBinaryCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, options?: ScalarLossOptions): tf.Scalar;
export function sigmoidBinaryCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, options: LossOptions): tf.Tensor;
export function sigmoidBinaryCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, options?: LossOptions): tf.Tensor {
  const fn = 'sigmoidBinaryCrossEntropy';
  checkTensor(fn, 'logits', logits);
  checkTensor(fn, 'labels', labels);
  checkSameShape(fn, 'logits', logits, 'labels', labels);
  const reduction = resolveReduction(fn, options);
  return tf.tidy(() => {
    const x = asFloat(logits);
    const y = asFloat(labels);
    const losses = tf.neg(tf.add(tf.mul(y, logSigmoid(x)), tf.mul(tf.sub(1, y), logSigmoid(tf.neg(x)))));
    return reduce(losses, reduction);
  });
}
