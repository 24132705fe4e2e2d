import * as tf from '@tensorflow/tfjs-core';
import type { SpecialInput } from './internal/args.js';
import { defineElementwise } from './internal/define.js';
import { log1pRaw, logRaw } from './log-exp.js';

/** x log(y) with 0 where x = 0 (unless y is NaN), without gradient bookkeeping. */
export function xlogyRaw(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const zero = tf.logicalAnd(tf.equal(x, 0), tf.logicalNot(tf.isNaN(y)));
  return tf.where(zero, 0, tf.mul(x, logRaw(tf.where(zero, 1, y))));
}

/** x log1p(y) with 0 where x = 0 (unless y is NaN), without gradient bookkeeping. */
export function xlog1pyRaw(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const zero = tf.logicalAnd(tf.equal(x, 0), tf.logicalNot(tf.isNaN(y)));
  return tf.where(zero, 0, tf.mul(x, log1pRaw(tf.where(zero, 0, y))));
}

/**
 * x * log(y), elementwise with broadcasting, defined as 0 where x = 0 (so 0 log 0 = 0, as in scipy; a NaN y
 * still gives NaN). Gradient: d/dx = log(y), d/dy = x / y, both taken as 0 where x = 0 and y = 0 (and d/dy as 0
 * wherever x = 0, where the function does not depend on y), so entropy-like terms never produce NaN gradients.
 */
export const xlogy: (x: SpecialInput, y: SpecialInput) => tf.Tensor = defineElementwise(
  'xlogy',
  ['x', 'y'],
  ([x, y]) => xlogyRaw(x as tf.Tensor, y as tf.Tensor),
  ([x, y], _out, dy) => {
    const xs = x as tf.Tensor;
    const ys = y as tf.Tensor;
    const xZero = tf.equal(xs, 0);
    const bothZero = tf.logicalAnd(xZero, tf.equal(ys, 0));
    const dx = tf.where(bothZero, 0, logRaw(tf.where(bothZero, 1, ys)));
    const dyv = tf.where(xZero, 0, tf.div(xs, tf.where(xZero, 1, ys)));
    return [tf.mul(dy, dx), tf.mul(dy, dyv)];
  },
);

/**
 * x * log1p(y), elementwise with broadcasting, defined as 0 where x = 0 (so 0 log1p(-1) = 0; a NaN y still
 * gives NaN), accurate for small y. Gradient: d/dx = log1p(y), d/dy = x / (1 + y), both 0 where x = 0 and
 * y = -1 (d/dy 0 wherever x = 0).
 */
export const xlog1py: (x: SpecialInput, y: SpecialInput) => tf.Tensor = defineElementwise(
  'xlog1py',
  ['x', 'y'],
  ([x, y]) => xlog1pyRaw(x as tf.Tensor, y as tf.Tensor),
  ([x, y], _out, dy) => {
    const xs = x as tf.Tensor;
    const ys = y as tf.Tensor;
    const xZero = tf.equal(xs, 0);
    const bothZero = tf.logicalAnd(xZero, tf.equal(ys, -1));
    const dx = tf.where(bothZero, 0, log1pRaw(tf.where(bothZero, 0, ys)));
    const dyv = tf.where(xZero, 0, tf.div(xs, tf.add(tf.where(xZero, 0, ys), 1)));
    return [tf.mul(dy, dx), tf.mul(dy, dyv)];
  },
);
