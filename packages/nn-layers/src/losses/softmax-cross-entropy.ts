import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax, logSumExp } from '@probdl/tensor-backend';
import { asFloat, checkSameShape, checkTensor, fmtShape, reduce, resolveReduction } from './internal/loss-utils.js';
import type { LossOptions, ScalarLossOptions } from './types.js';

function checkLogits(fn: string, logits: tf.Tensor): void {
  checkTensor(fn, 'logits', logits);
  if (logits.rank < 1) throw new RangeError(`${fn}: logits must have a class axis (last), got a scalar`);
}

/**
 * Softmax cross-entropy (Optax's `softmax_cross_entropy`): −Σ_k labels_k · logSoftmax(logits)_k over
 * the last axis, with labels one-hot or class probabilities of the same shape `[..., K]` as the
 * logits. Terms with a zero label count 0 even where a logit is −Infinity. Per-example losses have
 * shape `[...]`; reduced by `reduction` (default: the mean over examples).
 */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, options?: ScalarLossOptions): tf.Scalar;
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, options: LossOptions): tf.Tensor;
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, options?: LossOptions): tf.Tensor {
  const fn = 'softmaxCrossEntropy';
  checkLogits(fn, logits);
  checkTensor(fn, 'labels', labels);
  checkSameShape(fn, 'logits', logits, 'labels', labels);
  const reduction = resolveReduction(fn, options);
  return tf.tidy(() => {
    const y = asFloat(labels);
    const terms = tf.mul(y, logSoftmax(asFloat(logits), -1));
    const safe = tf.where(tf.equal(y, 0), tf.zerosLike(terms), terms);
    return reduce(tf.neg(tf.sum(safe, -1)), reduction);
  });
}

/**
 * Softmax cross-entropy with integer class labels (Optax's
 * `softmax_cross_entropy_with_integer_labels`): logSumExp(logits) − logits[label] over the last axis.
 * `labels` is int32 with shape `logits.shape[:-1]`, values in [0, K); an out-of-range label gives
 * logSumExp(logits) (no logit is picked; labels are not read back to check). Reduced by
 * `reduction` (default: the mean over examples).
 */
export function softmaxCrossEntropyWithIntegerLabels(logits: tf.Tensor, labels: tf.Tensor, options?: ScalarLossOptions): tf.Scalar;
export function softmaxCrossEntropyWithIntegerLabels(logits: tf.Tensor, labels: tf.Tensor, options: LossOptions): tf.Tensor;
export function softmaxCrossEntropyWithIntegerLabels(logits: tf.Tensor, labels: tf.Tensor, options?: LossOptions): tf.Tensor {
  const fn = 'softmaxCrossEntropyWithIntegerLabels';
  checkLogits(fn, logits);
  checkTensor(fn, 'labels', labels);
  if (labels.dtype !== 'int32') throw new TypeError(`${fn}: labels must be int32 class indices, got dtype ${labels.dtype}`);
  const batch = logits.shape.slice(0, -1);
  if (labels.rank !== batch.length || labels.shape.some((d, i) => d !== batch[i])) {
    throw new RangeError(
      `${fn}: labels has shape ${fmtShape(labels.shape)} but logits has shape ${fmtShape(logits.shape)}; labels must have shape ${fmtShape(batch)} (logits without the class axis)`,
    );
  }
  const reduction = resolveReduction(fn, options);
  const k = logits.shape[logits.rank - 1]!;
  return tf.tidy(() => {
    const x = asFloat(logits);
    const mask = tf.reshape(tf.cast(tf.oneHot(tf.reshape(labels, [-1]), k), 'bool'), x.shape);
    // where, not a product with the one-hot: 0 · (−Infinity) would be NaN.
    const picked = tf.sum(tf.where(mask, x, tf.zerosLike(x)), -1);
    return reduce(tf.sub(logSumExp(x, { axis: -1 }), picked), reduction);
  });
}
