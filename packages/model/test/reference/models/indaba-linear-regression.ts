import type * as tf from '@tensorflow/tfjs-core';
import { Normal } from '@probdl/distributions';
import type { ModelContext } from '../../../src/index.js';
import { matVec, vectorOf } from './shapes.js';

/** Scales of the Indaba linear regression: prior sd s (the notebook's alpha = 1/s²) and noise sd σ. */
export interface IndabaScales {
  readonly priorScale: number;
  readonly noiseScale: number;
}

/**
 * The Deep Learning Indaba 2022 Bayesian practical's linear regression, as its NumPyro model:
 * `w ~ Normal(0, s)` (D weights), `y ~ Normal(X w, σ)` over a plate of the N rows of the design X
 * (the affine basis `[1, x]` in the notebook). Latent site: w [D].
 */
export function indabaLinearRegression(ctx: ModelContext, X: tf.Tensor, y: tf.Tensor | undefined, scales: IndabaScales): void {
  const [N, D] = X.shape as [number, number];
  const w = ctx.sample('w', vectorOf(new Normal({ loc: 0, scale: scales.priorScale }), D));
  ctx.plate('data', N, () => ctx.sample('y', new Normal({ loc: matVec(X, w), scale: scales.noiseScale }), { obs: y }));
}
