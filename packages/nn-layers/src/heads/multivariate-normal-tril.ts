import * as tf from '@tensorflow/tfjs-core';
import { FillScaleTriL, MultivariateNormalTriL } from '@probdl/distributions';
import { buildOwning, checkCount, checkFeatures, checkShift, resolveValidate } from './internal/head-utils.js';
import type { Head, HeadApplyOptions, HeadOptions } from './types.js';

/** Options of {@link multivariateNormalTriL}. */
export interface MultivariateNormalTriLOptions extends HeadOptions {
  /** Added to the softplus diagonal of the scale factor (default 1e-5, TFP's `FillScaleTriL` default), so it stays invertible. */
  readonly diagShift?: number;
}

/**
 * TFP's `MultivariateNormalTriL` layer: features `[...batch, d + d(d+1)/2]` → loc = the first d,
 * scale_tril = FillScaleTriL(the rest): a lower-triangular factor with softplus(x) + `diagShift`
 * on the diagonal. The packing is @probdl/distributions' `FillScaleTriL` order, row-major over the
 * lower triangle ([L00, L10, L11, L20, L21, L22, ...], numpy's `tril_indices`), not TFP's
 * fill_triangular order. Event shape `[d]`, batch shape `batch`.
 * `multivariateNormalTriL.paramsSize(d)` gives d + d(d+1)/2.
 */
export function multivariateNormalTriL(eventSize: number, options: MultivariateNormalTriLOptions = {}): Head<MultivariateNormalTriL> {
  const d = checkCount('multivariateNormalTriL', 'eventSize', eventSize);
  const diagShift = checkShift('multivariateNormalTriL', 'diagShift', options.diagShift ?? 1e-5);
  const size = d + (d * (d + 1)) / 2;
  const label = `multivariateNormalTriL(${d})`;
  // Holds no tensors (Softplus diagonal, a number shift), so one instance serves every call.
  const fill = new FillScaleTriL({ diagShift });
  return {
    kind: 'MultivariateNormalTriL',
    eventShape: [d],
    paramsSize: size,
    apply(features: tf.Tensor, applyOptions?: HeadApplyOptions): MultivariateNormalTriL {
      checkFeatures(label, features, size);
      const validateArgs = resolveValidate(options.validateArgs, applyOptions);
      const [loc, scaleTril] = tf.tidy(() => {
        const [l, packed] = tf.split(features, [d, size - d], -1) as [tf.Tensor, tf.Tensor];
        return [l, fill.forward(packed)];
      });
      return buildOwning([loc, scaleTril], () => new MultivariateNormalTriL({ loc, scaleTril, validateArgs }));
    },
  };
}
multivariateNormalTriL.paramsSize = (eventSize: number): number => {
  const d = checkCount('multivariateNormalTriL.paramsSize', 'eventSize', eventSize);
  return d + (d * (d + 1)) / 2;
};
