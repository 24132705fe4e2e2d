import * as tf from '@tensorflow/tfjs-core';
import type { TensorInput } from '@probdl/distributions';
import { random } from '@probdl/tensor-backend';
import { toTensor } from '../internal/tensors.js';
import type { InitSite, InitStrategy, InitValue } from './types.js';

/**
 * Starts every site at a uniform draw on (-radius, radius) in unconstrained space (NumPyro's
 * `init_to_uniform`, radius 2 by default); radius 0 starts at the unconstrained origin.
 */
export function initToUniform(options: { radius?: number } = {}): InitStrategy {
  const radius = options.radius ?? 2;
  if (!(radius >= 0) || !Number.isFinite(radius)) throw new RangeError(`initToUniform: radius must be a finite number >= 0, got ${radius}`);
  return {
    name: `initToUniform(radius ${radius})`,
    init(site: InitSite): InitValue {
      const shape = [...site.unconstrainedShape];
      return { unconstrained: radius === 0 ? tf.zeros(shape) : random.uniform(site.key, shape, { minval: -radius, maxval: radius }) };
    },
  };
}

/** Starts every site at the unconstrained origin (the centre of its support): `initToUniform({ radius: 0 })`. */
export function initToFeasible(): InitStrategy {
  return { ...initToUniform({ radius: 0 }), name: 'initToFeasible' };
}

/**
 * Starts the sites named in `values` at those constrained values (their shapes must be the
 * sites' shapes); the other sites use `fallback` (default `initToUniform()`).
 */
export function initToValue(values: Readonly<Record<string, TensorInput>>, fallback: InitStrategy = initToUniform()): InitStrategy {
  if (values === null || typeof values !== 'object') throw new TypeError('initToValue: values must be an object of site name -> constrained value');
  return {
    name: 'initToValue',
    init(site: InitSite): InitValue | undefined {
      if (!Object.prototype.hasOwnProperty.call(values, site.name)) return fallback.init(site);
      const given = toTensor(`initToValue, site '${site.name}'`, 'value', values[site.name]!);
      const same = given.rank === site.shape.length && given.shape.every((d, i) => d === site.shape[i]);
      if (!same) {
        throw new RangeError(`initToValue: site '${site.name}' has shape [${site.shape.join(', ')}], got a value of shape [${given.shape.join(', ')}]`);
      }
      return { constrained: tf.clone(given) };
    },
  };
}

/** Starts every site at one draw from its prior (given the values chosen for the sites before it). */
export function initToSample(): InitStrategy {
  return {
    name: 'initToSample',
    init(site: InitSite): InitValue {
      return { constrained: site.fn.sample(site.key, [...site.sampleShape]) };
    },
  };
}

/**
 * Starts every site at the median of `numSamples` (default 15) draws from its prior, given the
 * values chosen for the sites before it (NumPyro's `init_to_median`). The median is taken
 * elementwise in unconstrained space: for scalar supports (monotone maps) it is the constrained
 * median, and for vector supports (simplex, Cholesky factors) it stays in the support.
 */
export function initToMedian(options: { numSamples?: number } = {}): InitStrategy {
  const n = options.numSamples ?? 15;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`initToMedian: numSamples must be a positive integer, got ${n}`);
  return {
    name: `initToMedian(${n} samples)`,
    init(site: InitSite): InitValue {
      return {
        unconstrained: tf.tidy(() => {
          const draws = site.fn.sample(site.key, [n, ...site.sampleShape]);
          return medianAxis0(site.bijector.inverse(draws));
        }),
      };
    },
  };
}

/** Median along axis 0 (the mean of the two middle values for an even count, as numpy). */
function medianAxis0(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const n = x.shape[0]!;
    const perm = [...Array.from({ length: x.rank - 1 }, (_, i) => i + 1), 0];
    const sorted = tf.topk(tf.transpose(x, perm), n, true).values; // descending along the last axis
    const at = (i: number) => tf.squeeze(tf.slice(sorted, [...new Array<number>(x.rank - 1).fill(0), i], [...x.shape.slice(1), 1]), [x.rank - 1]);
    if (n % 2 === 1) return at((n - 1) / 2);
    return tf.div(tf.add(at(n / 2 - 1), at(n / 2)), 2);
  });
}
