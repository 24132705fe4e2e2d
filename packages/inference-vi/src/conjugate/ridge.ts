import * as tf from '@tensorflow/tfjs-core';
import { blrPosterior } from './blr-posterior.js';
import type { BlrPlacement, DesignInput, VectorInput } from './types.js';

/** Options of {@link ridgeSolution}. */
export interface RidgeOptions {
  /** The penalty α > 0 of `½‖y − Φw‖² + ½ α‖w‖²` (a number, or one per feature). Default 1. */
  alpha?: number | VectorInput;
  /** `'host'` (float64) or `'device'` (float32); default as in {@link blrPosterior}. */
  on?: BlrPlacement;
}

/**
 * The ridge (L2-regularised least squares) solution `argmin_w ½‖y − Φw‖² + ½ α‖w‖² =
 * (ΦᵀΦ + α I)⁻¹ Φᵀ y`: the MAP and posterior mean of {@link blrPosterior} with noise variance 1
 * and prior precision α (the practical's "exact ridge solution").
 *
 * @param phi `[N, D]`; @param y `[N]`. Not disposed.
 * @returns a fresh `[D]` float32 tensor (float64 algebra on the host path).
 * @throws (rejects with) the errors of {@link blrPosterior}, naming `ridgeSolution`.
 */
export async function ridgeSolution(phi: DesignInput, y: VectorInput, options: RidgeOptions = {}): Promise<tf.Tensor1D> {
  let post;
  try {
    post = await blrPosterior(phi, y, { alpha: options.alpha ?? 1, noiseVariance: 1, ...(options.on ? { on: options.on } : {}) });
  } catch (e) {
    throw new Error((e as Error).message.replace(/^blrPosterior:/, 'ridgeSolution:'));
  }
  const w = tf.clone(post.mean);
  post.dispose();
  return w;
}
