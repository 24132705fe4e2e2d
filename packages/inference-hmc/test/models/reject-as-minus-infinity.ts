import * as tf from '@tensorflow/tfjs-core';
import type { LogDensityModel } from '@probdl/model';

/**
 * A model's log density that a sampler can take anywhere: the model package's reference models
 * build distributions that validate their tensor parameters, so at a point where, e.g., exp(log
 * sigma) overflows to Infinity the batched `logDensityFn` throws a RangeError instead of returning
 * -Infinity. Here such a batch is re-evaluated row by row, and each row whose evaluation throws a
 * RangeError gets log density -Infinity (gradient 0): to the sampler a divergence, as in Stan,
 * where such a point is rejected. Other errors propagate. The other members are the model's own.
 */
export function rejectAsMinusInfinity(ld: LogDensityModel): LogDensityModel {
  const logDensityFn = (position: tf.Tensor): tf.Tensor => {
    try {
      return tf.tidy(() => ld.logDensityFn(position));
    } catch (error) {
      if (!(error instanceof RangeError) || position.rank !== 2) throw error;
    }
    return tf.tidy(() => {
      const [C, D] = position.shape as [number, number];
      const rows = Array.from({ length: C }, (_, i) => {
        const row = tf.slice(position, [i, 0], [1, D]);
        try {
          return tf.tidy(() => ld.logDensityFn(row));
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          return tf.fill([1], -Infinity);
        }
      });
      return tf.concat(rows, 0);
    });
  };
  return { ...ld, logDensityFn };
}
