import * as tf from '@tensorflow/tfjs-core';
import type { Normal } from '../families/normal.js';
import type { Uniform } from '../families/uniform.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * KL(Uniform(a, b) || Normal(μ, σ)) = -log(b - a) + log(σ√(2π)) + ((b - a)²/12 + ((a + b)/2 - μ)²)/(2σ²).
 */
export function klUniformNormal(p: Uniform, q: Normal): tf.Tensor {
  return tf.tidy(() => {
    const width = tf.sub(p.high, p.low);
    const mid = tf.mul(0.5, tf.add(p.low, p.high));
    const secondMoment = tf.add(tf.div(tf.square(width), 12), tf.square(tf.sub(mid, q.loc)));
    return tf.add(
      tf.add(tf.sub(tf.log(q.scale), tf.log(width)), HALF_LOG_TWO_PI),
      tf.div(secondMoment, tf.mul(2, tf.square(q.scale))),
    );
  });
}

/**
 * KL(Uniform(a1, b1) || Uniform(a2, b2)) = log((b2 - a2)/(b1 - a1)) when [a1, b1] ⊆ [a2, b2],
 * +Infinity otherwise.
 */
export function klUniformUniform(p: Uniform, q: Uniform): tf.Tensor {
  return tf.tidy(() => {
    const inside = tf.logicalAnd(tf.greaterEqual(p.low, q.low), tf.lessEqual(p.high, q.high));
    const value = tf.sub(tf.log(tf.sub(q.high, q.low)), tf.log(tf.sub(p.high, p.low)));
    return tf.where(inside, value, Infinity);
  });
}
