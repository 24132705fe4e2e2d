import * as tf from '@tensorflow/tfjs-core';
import { showShape } from './internal/inputs.js';

/** Options of {@link randomFourierFeatures}. */
export interface RandomFourierOptions {
  /** Frequencies S, `[inDim, M]` (for 1-D inputs `[1, M]` or `[M]`). */
  frequencies: tf.Tensor;
  /** Phases u, `[M]`. */
  phases: tf.Tensor;
  /**
   * Lengthscale ℓ > 0 dividing the frequencies: a number or a scalar tensor (differentiable, e.g.
   * `tf.exp(logLengthscale)`). Default 1.
   */
  lengthscale?: number | tf.Tensor;
  /** Output scale; default `1/sqrt(M)` as in the Indaba practical. */
  scale?: number;
}

/**
 * Random Fourier features `Φ = scale · cos(x S / ℓ + u)`, `[N, M]`: with `S ~ N(0, s²)` and
 * `u ~ U(-π, π)` fixed, they approximate a squared-exponential kernel of lengthscale ℓ/s. The
 * Indaba practical's basis is `cos(x S + u)/sqrt(M)` with `s = 0.75`, ℓ = 1. Differentiable in x,
 * S, u and ℓ, so it can be a basis of {@link maximizeEvidence} with ℓ learned.
 *
 * @param x inputs `[N]` (1-D) or `[N, inDim]`; not disposed.
 * @returns a fresh float32 `[N, M]` tensor.
 * @throws Error naming the shapes when x, S and u do not fit, or a non-positive lengthscale.
 */
export function randomFourierFeatures(x: tf.Tensor, options: RandomFourierOptions): tf.Tensor2D {
  const fn = 'randomFourierFeatures';
  const { frequencies: s, phases: u } = options;
  const inDim = x.rank === 1 ? 1 : x.rank === 2 ? (x.shape[1] as number) : -1;
  if (inDim < 0) throw new Error(`${fn}: 'x' must have shape [N] or [N, inDim], got shape ${showShape(x.shape)}`);
  const m = s.rank === 1 ? (s.shape[0] as number) : (s.shape[1] as number);
  if (!((s.rank === 1 && inDim === 1) || (s.rank === 2 && s.shape[0] === inDim))) {
    throw new Error(`${fn}: 'frequencies' must have shape [${inDim}, M]${inDim === 1 ? ' or [M]' : ''} to match 'x' ${showShape(x.shape)}, got shape ${showShape(s.shape)}`);
  }
  if (u.rank !== 1 || u.shape[0] !== m) throw new Error(`${fn}: 'phases' must have shape [${m}] to match 'frequencies', got shape ${showShape(u.shape)}`);
  const l = options.lengthscale ?? 1;
  if (typeof l === 'number' && !(l > 0 && Number.isFinite(l))) throw new Error(`${fn}: 'lengthscale' must be a finite number > 0, got ${l}`);
  const scale = options.scale ?? 1 / Math.sqrt(m);
  return tf.tidy(() => {
    const xs = tf.reshape(tf.cast(x, 'float32'), [-1, inDim]);
    const proj = tf.matMul(xs, tf.reshape(s, [inDim, m]));
    const scaled = typeof l === 'number' ? (l === 1 ? proj : tf.div(proj, l)) : tf.div(proj, l);
    return tf.mul(tf.cos(tf.add(scaled, u)), scale) as tf.Tensor2D;
  });
}
