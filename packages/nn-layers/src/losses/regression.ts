import * as tf from '@tensorflow/tfjs-core';
import { asFloat, checkSameShape, checkTensor, reduce, resolveReduction } from './internal/loss-utils.js';
import type { LossOptions, ScalarLossOptions } from './types.js';

function elementwise(fn: string, predictions: tf.Tensor, targets: tf.Tensor, options: LossOptions | undefined, op: (d: tf.Tensor) => tf.Tensor): tf.Tensor {
  checkTensor(fn, 'predictions', predictions);
  checkTensor(fn, 'targets', targets);
  checkSameShape(fn, 'predictions', predictions, 'targets', targets);
  const reduction = resolveReduction(fn, options);
  return tf.tidy(() => reduce(op(tf.sub(asFloat(predictions), asFloat(targets))), reduction));
}

/**
 * (predictions − targets)², elementwise, reduced by `reduction` (default: the mean over every
 * element). The shapes must be equal (no broadcasting); 'none' returns the elementwise squares.
 */
export function meanSquaredError(predictions: tf.Tensor, targets: tf.Tensor, options?: ScalarLossOptions): tf.Scalar;
export function meanSquaredError(predictions: tf.Tensor, targets: tf.Tensor, options: LossOptions): tf.Tensor;
export function meanSquaredError(predictions: tf.Tensor, targets: tf.Tensor, options?: LossOptions): tf.Tensor {
  return elementwise('meanSquaredError', predictions, targets, options, tf.square);
}

/**
 * |predictions − targets|, elementwise, reduced by `reduction` (default: the mean over every
 * element). The shapes must be equal (no broadcasting); 'none' returns the elementwise values.
 */
export function meanAbsoluteError(predictions: tf.Tensor, targets: tf.Tensor, options?: ScalarLossOptions): tf.Scalar;
export function meanAbsoluteError(predictions: tf.Tensor, targets: tf.Tensor, options: LossOptions): tf.Tensor;
export function meanAbsoluteError(predictions: tf.Tensor, targets: tf.Tensor, options?: LossOptions): tf.Tensor {
  return elementwise('meanAbsoluteError', predictions, targets, options, tf.abs);
}
