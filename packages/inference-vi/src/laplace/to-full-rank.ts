import * as tf from '@tensorflow/tfjs-core';
import type { FullRankNormalParams } from '../families/full-rank-normal.js';
import type { LaplaceApproximation } from './types.js';

/** Options of {@link laplaceToFullRankParams}. */
export interface LaplaceToFullRankOptions {
  /** The `diagShift` of the `fullRankNormal` family the parameters are for (default 1e-5, the family's default). */
  readonly diagShift?: number;
}

/**
 * The parameters of `fullRankNormal()` (the default `'fillScaleTril'` parametrisation) that
 * represent a Laplace approximation exactly (up to float32): `loc` = the mode and the packed
 * `scaleTrilRaw` of its covariance factor, diagonal entries mapped through the inverse of
 * `softplus(raw) + diagShift`. Use it to start `fitVi` from the Laplace approximation, or to
 * score the approximation with `guideKhat` as a family and parameters. Fresh tensors (the caller
 * disposes them); the approximation is not disposed.
 *
 * @throws RangeError when a diagonal entry of the factor is not above `diagShift`.
 */
export function laplaceToFullRankParams(approx: LaplaceApproximation<unknown>, options: LaplaceToFullRankOptions = {}): FullRankNormalParams {
  const shift = options.diagShift ?? 1e-5;
  if (!(shift >= 0 && Number.isFinite(shift))) throw new RangeError(`laplaceToFullRankParams: option 'diagShift' must be >= 0, got ${shift}`);
  const d = approx.dim;
  const l = approx.host.scaleTril.data;
  const raw = new Float32Array((d * (d + 1)) / 2);
  let k = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const v = l[i * d + j]!;
      if (i !== j) raw[k++] = v;
      else {
        const y = v - shift;
        if (!(y > 0)) throw new RangeError(`laplaceToFullRankParams: the scale's diagonal entry ${i} (${v}) is not above diagShift ${shift}`);
        raw[k++] = y > 20 ? y + Math.log1p(-Math.exp(-y)) : Math.log(Math.expm1(y));
      }
    }
  }
  return { loc: tf.clone(approx.mean), scaleTrilRaw: tf.tensor1d(raw) };
}
