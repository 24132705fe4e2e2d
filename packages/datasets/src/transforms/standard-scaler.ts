import * as tf from '@tensorflow/tfjs-core';
import { assertMatrix, assertWidth } from './check.js';

/** Fitted state of {@link standardScaler}: per-feature mean and scale, both `[features]`. Dispose with `tree.dispose`. */
export interface StandardScalerState {
  /** Column means of the training data. */
  readonly mean: tf.Tensor1D;
  /** Column population standard deviations (ddof 0, as sklearn); 1 where a column is constant. */
  readonly scale: tf.Tensor1D;
}

/** A transform fitted on training data and applied anywhere, with its inverse. */
export interface FittedTransform<S> {
  /** Fits on `x` (`[n, features]`); returns a fresh state the caller owns. */
  fit(x: tf.Tensor2D): S;
  /** Applies the fitted transform to `x` (`[m, features]`); returns a fresh tensor. */
  transform(state: S, x: tf.Tensor2D): tf.Tensor2D;
  /** Undoes {@link FittedTransform.transform}; returns a fresh tensor. */
  inverse(state: S, y: tf.Tensor2D): tf.Tensor2D;
}

const EPS32 = 2 ** -23;

/**
 * sklearn's `StandardScaler`: `(x - mean) / scale` with the population standard deviation (ddof 0).
 * A constant column (std 0, or below `10 eps |mean|` from float32 rounding, as sklearn) gets scale 1,
 * so it maps to 0 and not NaN. Inputs are never disposed.
 */
export function standardScaler(): FittedTransform<StandardScalerState> {
  return {
    fit(x) {
      assertMatrix('standardScaler.fit', 'x', x);
      if (x.shape[0] === 0) throw new Error('standardScaler.fit: x has no rows (shape [0, ...])');
      return tf.tidy(() => {
        const { mean, variance } = tf.moments(x, 0);
        const std = tf.sqrt(variance);
        const tiny = tf.mul(tf.abs(mean), 10 * EPS32);
        const constant = tf.logicalOr(tf.equal(std, 0), tf.lessEqual(std, tiny));
        const scale = tf.where(constant, tf.onesLike(std), std);
        return { mean: mean as tf.Tensor1D, scale: scale as tf.Tensor1D };
      });
    },
    transform(state, x) {
      assertWidth('standardScaler.transform', 'x', x, state.mean.shape[0]);
      return tf.tidy(() => tf.div(tf.sub(x, state.mean), state.scale));
    },
    inverse(state, y) {
      assertWidth('standardScaler.inverse', 'y', y, state.mean.shape[0]);
      return tf.tidy(() => tf.add(tf.mul(y, state.scale), state.mean));
    },
  };
}
