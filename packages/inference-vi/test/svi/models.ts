import * as tf from '@tensorflow/tfjs-core';
import { HalfNormal, Normal } from '@probdl/distributions';
import type { ModelContext } from '@probdl/model';
import { key, random, split } from '@probdl/tensor-backend';
import * as vi from '../../src/index.js';

/** A scalar site `[...batch]` as `[...batch, 1]`, to broadcast against data `[N]` (the model package's batch rule). */
const col = (t: tf.Tensor): tf.Tensor => tf.expandDims(t, -1);

/** Noise standard deviation of {@link lineModel}. */
export const LINE_NOISE = 0.5;

/** y ~ N(w x + b, 0.5²), w, b ~ N(0, 1): a conjugate model whose posterior over (w, b) is exactly Gaussian. */
export function lineModel(ctx: ModelContext, x: tf.Tensor, y?: tf.Tensor): void {
  const w = ctx.sample('w', new Normal({ loc: 0, scale: 1 }));
  const b = ctx.sample('b', new Normal({ loc: 0, scale: 1 }));
  ctx.plate('data', x.shape[0]!, () => ctx.sample('y', new Normal({ loc: tf.add(tf.mul(col(w), x), col(b)), scale: LINE_NOISE, validateArgs: false }), { obs: y }));
}

/** A fresh instance of every autoguide on {@link lineModel} (the low-rank one with rank 1). */
export function lineAutoGuides(): vi.AutoGuide<any, [tf.Tensor, tf.Tensor]>[] {
  return [
    vi.autoDelta(lineModel),
    vi.autoNormal(lineModel),
    vi.autoDiagonalNormal(lineModel),
    vi.autoMultivariateNormal(lineModel),
    vi.autoLowRankMultivariateNormal(lineModel, { rank: 1 }),
    vi.autoLaplaceApproximation(lineModel),
  ];
}

/** Data for {@link lineModel}: 20 points, y = 1.5 x − 0.5 + noise (fixed key). Host copies for the exact posterior. */
export async function lineData(n = 20): Promise<{ x: tf.Tensor; y: tf.Tensor; xs: Float64Array; ys: Float64Array }> {
  const [kx, ke] = split(key(11), 2);
  const x = random.uniform(kx!, [n], { minval: -1, maxval: 1 });
  const y = tf.tidy(() => tf.add(tf.sub(tf.mul(1.5, x), 0.5), tf.mul(LINE_NOISE, random.normal(ke!, [n]))));
  return { x, y, xs: Float64Array.from(await x.data()), ys: Float64Array.from(await y.data()) };
}

/** The exact posterior of {@link lineModel} over (w, b): mean and covariance, in float64 on the host. */
export function linePosterior(xs: Float64Array, ys: Float64Array): { mean: [number, number]; cov: [[number, number], [number, number]] } {
  const s2 = LINE_NOISE * LINE_NOISE;
  let sxx = 0;
  let sx = 0;
  let sxy = 0;
  let sy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxx += xs[i]! * xs[i]!;
    sx += xs[i]!;
    sxy += xs[i]! * ys[i]!;
    sy += ys[i]!;
  }
  // Precision = I + Xᵀ X / σ² with X = [x, 1]; mean = Σ Xᵀ y / σ².
  const a = 1 + sxx / s2;
  const c = sx / s2;
  const d = 1 + xs.length / s2;
  const det = a * d - c * c;
  const cov: [[number, number], [number, number]] = [
    [d / det, -c / det],
    [-c / det, a / det],
  ];
  const r0 = sxy / s2;
  const r1 = sy / s2;
  return { mean: [cov[0][0] * r0 + cov[0][1] * r1, cov[1][0] * r0 + cov[1][1] * r1], cov };
}

/** y ~ N(0, σ²), σ ~ HalfNormal(1): a positive latent site. */
export function scaleModel(ctx: ModelContext, y: tf.Tensor): void {
  const sigma = ctx.sample('sigma', new HalfNormal({ scale: 1 }));
  ctx.plate('data', y.shape[0]!, () => ctx.sample('y', new Normal({ loc: 0, scale: col(sigma), validateArgs: false }), { obs: y }));
}

/**
 * y_i ~ N(μ, 1), μ ~ N(0, 1), with the plate visiting a random `subsampleSize` of the N points
 * (drawn from the model's seed key) and the likelihood scaled by N / subsampleSize.
 */
export function meanModel(ctx: ModelContext, y: tf.Tensor, subsampleSize: number): void {
  const mu = ctx.sample('mu', new Normal({ loc: 0, scale: 1 }));
  ctx.plate('data', y.shape[0]!, { subsampleSize }, (idx) =>
    ctx.sample('y', new Normal({ loc: col(mu), scale: 1, validateArgs: false }), { obs: tf.gather(y, idx) }),
  );
}

/**
 * The model of {@link meanModel} with the minibatch cut by the caller: `yBatch` are the observations
 * at the plate's `subsample` indices `idx` (int32) out of `n`; the likelihood is scaled by n / |idx|.
 */
export function batchMeanModel(ctx: ModelContext, yBatch: tf.Tensor, idx: tf.Tensor, n: number): void {
  const mu = ctx.sample('mu', new Normal({ loc: 0, scale: 1 }));
  ctx.plate('data', n, { subsample: idx }, () => ctx.sample('y', new Normal({ loc: col(mu), scale: 1, validateArgs: false }), { obs: yBatch }));
}
