import * as tf from '@tensorflow/tfjs-core';
import { Independent, Normal } from '@probdl/distributions';
import { buildOwning, checkEventShape, checkShift, checkFeatures, fmtShape, resolveValidate, sizeOf } from './internal/head-utils.js';
import type { Head, HeadApplyOptions, HeadOptions } from './types.js';

/** Options of {@link independentNormal}. */
export interface IndependentNormalOptions extends HeadOptions {
  /**
   * Added to softplus(x) to give the scale (default 1e-5). TFP's IndependentNormal uses softplus
   * alone; in float32 softplus(x) underflows to 0 below x ≈ -104, and a zero scale makes the log
   * density NaN, so a small floor keeps it finite. The MDN tutorial's 1e-3 is {@link mixtureNormal}'s default.
   */
  readonly scaleShift?: number;
}

/** The features an {@link independentNormal} head over `eventShape` reads: 2·prod(eventShape). */
function independentNormalParamsSize(eventShape: readonly number[] | number): number {
  return 2 * sizeOf(checkEventShape('independentNormal.paramsSize', 'eventShape', eventShape));
}

/**
 * TFP's `IndependentNormal`: features `[...batch, 2n]` (n = prod(eventShape)) → loc = the first n,
 * scale = softplus(the last n) + `scaleShift`, each reshaped to `[...batch, ...eventShape]`, as
 * `Independent(Normal(loc, scale))` with every event dimension reinterpreted (batch shape `batch`).
 * `independentNormal.paramsSize(eventShape)` gives 2n.
 */
export function independentNormal(eventShape: readonly number[] | number = [], options: IndependentNormalOptions = {}): Head<Independent> {
  const event = checkEventShape('independentNormal', 'eventShape', eventShape);
  const shift = checkShift('independentNormal', 'scaleShift', options.scaleShift ?? 1e-5);
  const n = sizeOf(event);
  const label = `independentNormal(${fmtShape(event)})`;
  return {
    kind: 'IndependentNormal',
    eventShape: event,
    paramsSize: 2 * n,
    apply(features: tf.Tensor, applyOptions?: HeadApplyOptions): Independent {
      const batch = checkFeatures(label, features, 2 * n);
      const validateArgs = resolveValidate(options.validateArgs, applyOptions);
      const [loc, scale] = tf.tidy(() => {
        const [l, s] = tf.split(features, [n, n], -1) as [tf.Tensor, tf.Tensor];
        const shape = [...batch, ...event];
        // tfjs's softplus kernel (thresholded, no overflow): one kernel on every backend.
        return [tf.reshape(l, shape), tf.add(tf.softplus(tf.reshape(s, shape)), shift)];
      });
      return buildOwning(
        [loc, scale],
        () =>
          new Independent({
            distribution: new Normal({ loc, scale, validateArgs }),
            reinterpretedBatchNdims: event.length,
            validateArgs,
          }),
      );
    },
  };
}
independentNormal.paramsSize = independentNormalParamsSize;
