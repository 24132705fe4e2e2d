import * as tf from '@tensorflow/tfjs-core';
import { random } from '@probdl/tensor-backend';
import { checkInitShape, checkNumber } from './shape.js';
import type { Initializer } from './types.js';

const f32 = Math.fround;

/** `jax.nn.initializers.normal(stddev)`: N(0, stddev²) draws (JAX's default stddev 1e-2). */
export function normal(stddev = 1e-2): Initializer {
  checkNumber('normal', 'stddev', stddev, true);
  return (key, shape) => {
    const s = checkInitShape(`normal(${stddev})`, shape);
    return tf.tidy(() => tf.mul(random.normal(key, s.shape), f32(stddev)));
  };
}

/**
 * `jax.nn.initializers.truncated_normal(stddev, lower, upper)`: a standard normal truncated to
 * (lower, upper), times `stddev` (no variance correction: the spread is a little under `stddev`;
 * see {@link varianceScaling} for the corrected one). Defaults as JAX: stddev 1e-2, bounds ±2.
 */
export function truncatedNormal(stddev = 1e-2, lower = -2, upper = 2): Initializer {
  const where = 'truncatedNormal';
  checkNumber(where, 'stddev', stddev, true);
  if (typeof lower !== 'number' || typeof upper !== 'number' || Number.isNaN(lower) || Number.isNaN(upper) || !(lower < upper)) {
    throw new RangeError(`${where}: need lower < upper, got lower ${String(lower)}, upper ${String(upper)}`);
  }
  return (key, shape) => {
    const s = checkInitShape(`truncatedNormal(${stddev})`, shape);
    return tf.tidy(() => tf.mul(random.truncatedNormal(key, lower, upper, s.shape), f32(stddev)));
  };
}

/**
 * Uniform draws. `uniform(scale)` is `jax.nn.initializers.uniform(scale)`: U[0, scale) (default
 * scale 1e-2). `uniform(minval, maxval)` draws from U[minval, maxval).
 */
export function uniform(scaleOrMinval = 1e-2, maxval?: number): Initializer {
  if (maxval === undefined) {
    const scale = checkNumber('uniform', 'scale', scaleOrMinval);
    return (key, shape) => {
      const s = checkInitShape(`uniform(${scale})`, shape);
      return tf.tidy(() => tf.mul(random.uniform(key, s.shape), f32(scale)));
    };
  }
  const lo = checkNumber('uniform', 'minval', scaleOrMinval);
  const hi = checkNumber('uniform', 'maxval', maxval);
  if (!(lo < hi)) throw new RangeError(`uniform: need minval < maxval, got minval ${lo}, maxval ${hi}`);
  return (key, shape) => random.uniform(key, checkInitShape(`uniform(${lo}, ${hi})`, shape).shape, { minval: lo, maxval: hi });
}
