import * as tf from '@tensorflow/tfjs-core';
import { assertMatrix, assertWidth } from './check.js';
import type { FittedTransform } from './standard-scaler.js';

/** Options of {@link minMaxScaler}. */
export interface MinMaxScalerOptions {
  /** Target interval `[a, b]`, `a < b`. Default `[0, 1]`. */
  range?: readonly [number, number];
  /** Clip transformed values into `range` (sklearn's `clip=True`). Default false. */
  clip?: boolean;
}

/** Fitted state of {@link minMaxScaler}, all `[features]`. Dispose with `tree.dispose`. */
export interface MinMaxScalerState {
  /** Column minima of the training data. */
  readonly dataMin: tf.Tensor1D;
  /** Column maxima of the training data. */
  readonly dataMax: tf.Tensor1D;
  /** `(b - a) / (dataMax - dataMin)`; `b - a` where a column is constant (sklearn's zero-range rule). */
  readonly scale: tf.Tensor1D;
  /** `a - dataMin * scale`, so that `transform(x) = x * scale + min`. */
  readonly min: tf.Tensor1D;
}

/**
 * sklearn's `MinMaxScaler(feature_range=range, clip=clip)`: `x * scale + min`, mapping each training
 * column's [min, max] onto `range`. A constant column has range treated as 1. Inputs are never disposed.
 */
export function minMaxScaler(options: MinMaxScalerOptions = {}): FittedTransform<MinMaxScalerState> {
  const [a, b] = options.range ?? [0, 1];
  if (!Number.isFinite(a) || !Number.isFinite(b) || !(a < b)) {
    throw new RangeError(`minMaxScaler: options.range must be finite [a, b] with a < b, got [${String(a)}, ${String(b)}]`);
  }
  const clip = options.clip ?? false;
  return {
    fit(x) {
      assertMatrix('minMaxScaler.fit', 'x', x);
      if (x.shape[0] === 0) throw new Error('minMaxScaler.fit: x has no rows (shape [0, ...])');
      return tf.tidy(() => {
        const dataMin = tf.min(x, 0) as tf.Tensor1D;
        const dataMax = tf.max(x, 0) as tf.Tensor1D;
        const width = tf.sub(dataMax, dataMin);
        const safe = tf.where(tf.equal(width, 0), tf.onesLike(width), width);
        const scale = tf.div(b - a, safe) as tf.Tensor1D;
        const min = tf.sub(a, tf.mul(dataMin, scale)) as tf.Tensor1D;
        return { dataMin, dataMax, scale, min };
      });
    },
    transform(state, x) {
      assertWidth('minMaxScaler.transform', 'x', x, state.scale.shape[0]);
      return tf.tidy(() => {
        const y = tf.add(tf.mul(x, state.scale), state.min);
        return (clip ? tf.clipByValue(y, a, b) : y) as tf.Tensor2D;
      });
    },
    inverse(state, y) {
      assertWidth('minMaxScaler.inverse', 'y', y, state.scale.shape[0]);
      return tf.tidy(() => tf.div(tf.sub(y, state.min), state.scale));
    },
  };
}
