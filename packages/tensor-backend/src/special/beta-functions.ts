import * as tf from '@tensorflow/tfjs-core';
import type { SpecialInput } from './internal/args.js';
import { defineElementwise } from './internal/define.js';
import { digammaDifferenceRaw, lgammaRaw, stirlingCorrection } from './gamma-functions.js';
import { log1pRaw } from './log-exp.js';

const HALF_LOG_2PI = 0.9189385332046728;

/**
 * log B(a, b) without gradient bookkeeping. With x = min(a, b), y = max(a, b) (after DiDonato and Morris,
 * as in TFP's lbeta): the large Stirling terms are cancelled analytically, so betaln(1e10, 1e10) and
 * betaln(1e5, 1e-3) keep float32 relative precision, where lgamma(a) + lgamma(b) - lgamma(a + b) loses it all.
 */
export function betalnRaw(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const x = tf.minimum(a, b);
  const y = tf.maximum(a, b);
  const bothLarge = tf.greaterEqual(x, 8);
  const oneLarge = tf.logicalAnd(tf.logicalNot(bothLarge), tf.greaterEqual(y, 8));
  // x, y >= 8: (x - 1/2) log(x / (x + y)) - y log1p(x / y) - log(y)/2 + log(2 pi)/2 + corrections.
  const xb = tf.where(bothLarge, x, 8);
  const yb = tf.where(bothLarge, y, 8);
  const sb = tf.add(xb, yb);
  const twoLarge = tf.add(
    tf.add(
      tf.sub(tf.mul(tf.sub(xb, 0.5), tf.log(tf.div(xb, sb))), tf.mul(yb, log1pRaw(tf.div(xb, yb)))),
      tf.sub(HALF_LOG_2PI, tf.mul(tf.log(yb), 0.5)),
    ),
    tf.sub(tf.add(stirlingCorrection(xb), stirlingCorrection(yb)), stirlingCorrection(sb)),
  );
  // x < 8 <= y: lgamma(x) + [lgamma(y) - lgamma(x + y)], the bracket as -(y - 1/2) log1p(x/y) - x log(x + y) + x + corrections.
  const xo = tf.where(oneLarge, x, 1);
  const yo = tf.where(oneLarge, y, 8);
  const so = tf.add(xo, yo);
  const difference = tf.add(
    tf.add(tf.neg(tf.mul(tf.sub(yo, 0.5), log1pRaw(tf.div(xo, yo)))), tf.sub(xo, tf.mul(xo, tf.log(so)))),
    tf.sub(stirlingCorrection(yo), stirlingCorrection(so)),
  );
  const oneLargeValue = tf.add(lgammaRaw(xo), difference);
  const small = tf.sub(tf.add(lgammaRaw(a), lgammaRaw(b)), lgammaRaw(tf.add(a, b)));
  return tf.where(bothLarge, twoLarge, tf.where(oneLarge, oneLargeValue, small));
}

/**
 * log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b), elementwise with broadcasting, accurate also for large
 * and very unequal arguments. Gradient: digamma(a) - digamma(a + b) and digamma(b) - digamma(a + b), evaluated
 * without cancellation when one argument is much larger than the other.
 */
export const betaln: (a: SpecialInput, b: SpecialInput) => tf.Tensor = defineElementwise(
  'betaln',
  ['a', 'b'],
  ([a, b]) => betalnRaw(a as tf.Tensor, b as tf.Tensor),
  ([a, b], _y, dy) => [
    tf.mul(dy, digammaDifferenceRaw(a as tf.Tensor, b as tf.Tensor)),
    tf.mul(dy, digammaDifferenceRaw(b as tf.Tensor, a as tf.Tensor)),
  ],
);
