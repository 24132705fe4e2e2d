import * as tf from '@tensorflow/tfjs-core';
import { expm1MinusX } from './numerics.js';
import type { Normal } from '../families/normal.js';

/**
 * KL(N(locP, scaleP²) || N(locQ, scaleQ²)) elementwise, in the stable form
 * 0.5·((locP - locQ)/scaleQ)² + 0.5·(e^{2d} - 1 - 2d) with d = log scaleP - log scaleQ
 * (= 0.5(r² - 1) - log r + 0.5((μp - μq)/σq)², r = σp/σq), the last term from {@link expm1MinusX}
 * so that nearly equal scales lose no digits to cancellation.
 * Tensors broadcast; shared with the LogNormal pair.
 */
export function normalKlFromParams(locP: tf.Tensor, scaleP: tf.Tensor, locQ: tf.Tensor, scaleQ: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const d = tf.sub(tf.log(scaleP), tf.log(scaleQ));
    const z = tf.sub(tf.div(locP, scaleQ), tf.div(locQ, scaleQ));
    return tf.mul(0.5, tf.add(tf.square(z), expm1MinusX(tf.mul(2, d))));
  });
}

/** KL(Normal || Normal), closed form (see {@link normalKlFromParams}). */
export function klNormalNormal(p: Normal, q: Normal): tf.Tensor {
  return normalKlFromParams(p.loc, p.scale, q.loc, q.scale);
}
