import * as tf from '@tensorflow/tfjs-core';
import { random } from '@probdl/tensor-backend';
import { computeFans, type FanAxes } from './fans.js';
import { checkInitShape, checkNumber, describe } from './shape.js';
import type { Initializer } from './types.js';

/** Which fan {@link varianceScaling} divides by. */
export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
/** The distribution {@link varianceScaling} draws from. */
export type VarianceScalingDistribution = 'truncated_normal' | 'normal' | 'uniform';

/**
 * The standard deviation of a standard normal truncated to [-2, 2]. JAX divides by it so that the
 * truncated draws have exactly the target variance.
 */
export const TRUNCATED_NORMAL_STDDEV_AT_2 = 0.87962566103423978;

const MODES: readonly FanMode[] = ['fan_in', 'fan_out', 'fan_avg'];
const DISTRIBUTIONS: readonly VarianceScalingDistribution[] = ['truncated_normal', 'normal', 'uniform'];
const f32 = Math.fround;

/**
 * `jax.nn.initializers.variance_scaling(scale, mode, distribution, in_axis, out_axis, batch_axis)`:
 * draws with variance `scale / n`, n the fan chosen by `mode` (fan_avg: the mean of fan_in and
 * fan_out), fans as in {@link computeFans}.
 * - 'truncated_normal': a standard normal truncated to [-2, 2], times √variance / 0.8796… (the
 *   truncated normal's own stddev), so the variance is exactly the target;
 * - 'normal': a normal with that variance;
 * - 'uniform': uniform on [-√(3·variance), √(3·variance)).
 * The float32 arithmetic follows JAX step by step, so with the same key the values equal JAX's.
 */
export function varianceScaling(scale: number, mode: FanMode, distribution: VarianceScalingDistribution, axes: FanAxes = {}): Initializer {
  const where = `varianceScaling(${describe(scale)}, ${describe(mode)}, ${describe(distribution)})`;
  return namedVarianceScaling(where, scale, mode, distribution, axes);
}

/** {@link varianceScaling} whose errors name the preset that called it (e.g. `lecunNormal()`). */
export function namedVarianceScaling(where: string, scale: number, mode: FanMode, distribution: VarianceScalingDistribution, axes: FanAxes = {}): Initializer {
  checkNumber(where, 'scale', scale, true);
  if (!MODES.includes(mode)) throw new RangeError(`${where}: mode must be one of ${MODES.join(', ')}, got ${describe(mode)}`);
  if (!DISTRIBUTIONS.includes(distribution)) {
    throw new RangeError(`${where}: distribution must be one of ${DISTRIBUTIONS.join(', ')}, got ${describe(distribution)}`);
  }
  return (key, shape) => {
    const { fanIn, fanOut } = computeFans(shape, axes, where);
    const s = checkInitShape(where, shape);
    if (s.size === 0) return tf.zeros(s.shape);
    const denominator = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    // JAX: variance = jnp.array(scale / denominator, float32); the rest in float32.
    const variance = f32(scale / denominator);
    return tf.tidy(() => {
      if (distribution === 'truncated_normal') {
        const stddev = f32(f32(Math.sqrt(variance)) / f32(TRUNCATED_NORMAL_STDDEV_AT_2));
        return tf.mul(random.truncatedNormal(key, -2, 2, s.shape), stddev);
      }
      if (distribution === 'normal') return tf.mul(random.normal(key, s.shape), f32(Math.sqrt(variance)));
      return tf.mul(random.uniform(key, s.shape, { minval: -1, maxval: 1 }), f32(Math.sqrt(f32(3 * variance))));
    });
  };
}

/** LeCun normal, Flax's Dense default: `varianceScaling(1, 'fan_in', 'truncated_normal')`. */
export function lecunNormal(axes: FanAxes = {}): Initializer {
  return namedVarianceScaling('lecunNormal()', 1, 'fan_in', 'truncated_normal', axes);
}
/** LeCun uniform: `varianceScaling(1, 'fan_in', 'uniform')`. */
export function lecunUniform(axes: FanAxes = {}): Initializer {
  return namedVarianceScaling('lecunUniform()', 1, 'fan_in', 'uniform', axes);
}
/** Glorot (Xavier) uniform: `varianceScaling(1, 'fan_avg', 'uniform')`, limit √(6 / (fan_in + fan_out)). */
export function glorotUniform(axes: FanAxes = {}): Initializer {
  return namedVarianceScaling('glorotUniform()', 1, 'fan_avg', 'uniform', axes);
}
/** Glorot (Xavier) normal as in JAX: `varianceScaling(1, 'fan_avg', 'truncated_normal')`. */
export function glorotNormal(axes: FanAxes = {}): Initializer {
  return namedVarianceScaling('glorotNormal()', 1, 'fan_avg', 'truncated_normal', axes);
}
/** He (Kaiming) uniform: `varianceScaling(2, 'fan_in', 'uniform')`. */
export function heUniform(axes: FanAxes = {}): Initializer {
  return namedVarianceScaling('heUniform()', 2, 'fan_in', 'uniform', axes);
}
/** He (Kaiming) normal as in JAX: `varianceScaling(2, 'fan_in', 'truncated_normal')`. */
export function heNormal(axes: FanAxes = {}): Initializer {
  return namedVarianceScaling('heNormal()', 2, 'fan_in', 'truncated_normal', axes);
}
/** Alias of {@link glorotUniform}. */
export const xavierUniform = glorotUniform;
/** Alias of {@link glorotNormal}. */
export const xavierNormal = glorotNormal;
/** Alias of {@link heUniform}. */
export const kaimingUniform = heUniform;
/** Alias of {@link heNormal}. */
export const kaimingNormal = heNormal;
