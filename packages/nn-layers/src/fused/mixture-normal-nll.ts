import * as tf from '@tensorflow/tfjs-core';
import { mixtureNllBackward, mixtureNllForward, mixtureNllKernelAvailable } from './mixture-normal-nll-kernel.js';

/** Options of {@link mixtureNormalNll}. */
export interface MixtureNormalNllOptions {
  /** K, the number of mixture components: `features` has last dimension 3K. */
  readonly numComponents: number;
  /** Added to softplus(raw) for each component scale (default 1e-3, as `mixtureNormal` does). */
  readonly scaleShift?: number;
  /** 'mean' (default) or 'sum' over the examples, or 'none' for the per-example values. */
  readonly reduction?: 'mean' | 'sum' | 'none';
  /**
   * On cpu and wasm, compute the loss and its gradient in two host kernels (one pass each) instead
   * of ~40 tfjs ops. Default true; false forces the tfjs-op path, the reference, which every other
   * backend takes.
   */
  readonly fusedKernel?: boolean;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The negative log-likelihood of scalar targets under the Mixture Density Network head's mixture
 * of K normals, as ONE op with a hand-written gradient: the fast path of
 * `negativeLogLikelihood(mixtureNormal(K, [1]).apply(features), y)` for training loops.
 *
 * `features` `[...batch, 3K]` are laid out as `mixtureNormal` reads them: three contiguous blocks,
 * the K mixture logits, the K locs, the K raw scales; scale = `scaleShift` + softplus(raw).
 * `y` is `[...batch, 1]` (event shape [1]) or `[...batch]`. The result is the mean over the batch
 * (default), the sum, or with `reduction: 'none'` the per-example values `[...batch]`.
 *
 * The gradient, with responsibilities `w = softmax_k(log π_k + log N(y | μ_k, s_k))`,
 * `π = softmax(logits)` and `z = (y − μ)/s`: ∂/∂logits = π − w, ∂/∂μ = −w z/s,
 * ∂/∂raw = −w (z² − 1)/s · sigmoid(raw), ∂/∂y = Σ_k w z/s. First order only: under nested
 * differentiation use the distribution's `logProb`.
 */
export function mixtureNormalNll(features: tf.Tensor, y: tf.Tensor, options: MixtureNormalNllOptions): tf.Tensor {
  const fn = 'mixtureNormalNll';
  const k = options?.numComponents;
  if (!Number.isInteger(k) || k <= 0) throw new RangeError(`${fn}: option 'numComponents' must be a positive integer, got ${String(k)}`);
  const shift = options.scaleShift ?? 1e-3;
  if (!Number.isFinite(shift) || shift < 0) throw new RangeError(`${fn}: option 'scaleShift' must be a finite number ≥ 0, got ${shift}`);
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new RangeError(`${fn}: option 'reduction' must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
  }
  if (!(features instanceof tf.Tensor) || features.rank < 1 || features.shape[features.rank - 1] !== 3 * k) {
    const shape = features instanceof tf.Tensor ? `[${features.shape.join(', ')}]` : String(features);
    throw new RangeError(`${fn}: features must have last dimension 3·numComponents = ${3 * k}, got shape ${shape}`);
  }
  const batch = features.shape.slice(0, -1);
  const yOk = y instanceof tf.Tensor && (sameShape(y.shape, batch) || sameShape(y.shape, [...batch, 1]));
  if (!yOk) {
    const shape = y instanceof tf.Tensor ? `[${y.shape.join(', ')}]` : String(y);
    throw new RangeError(`${fn}: y must have shape [${[...batch, 1].join(', ')}] or [${batch.join(', ')}] for features of shape [${features.shape.join(', ')}], got ${shape}`);
  }
  const fusedKernel = options.fusedKernel ?? true;
  if (typeof fusedKernel !== 'boolean') throw new TypeError(`${fn}: option 'fusedKernel' must be a boolean, got ${String(fusedKernel)}`);
  return tf.tidy(() => {
    const n = batch.reduce((a, b) => a * b, 1);
    const f2 = tf.reshape(features, [n, 3 * k]) as tf.Tensor2D;
    const y2 = tf.reshape(y.dtype === 'float32' ? y : tf.cast(y, 'float32'), [n, 1]) as tf.Tensor2D;
    const out = fusedKernel && mixtureNllKernelAvailable() ? kernelNll(f2, y2, k, shift, reduction) : fusedNll(f2, y2, k, shift, reduction);
    return reduction === 'none' ? tf.reshape(out, batch) : out;
  });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The same op from the host kernels: the forward pass also returns the per-example gradient, so
 * the backward pass is one scaling kernel (no split, merge or elementwise chain).
 */
function kernelNll(features: tf.Tensor2D, y: tf.Tensor2D, k: number, shift: number, reduction: 'mean' | 'sum' | 'none'): tf.Tensor {
  const n = features.shape[0];
  const f = tf.customGrad((ff, yy, save) => {
    const [perExample, gradF, gradY] = mixtureNllForward(ff as tf.Tensor2D, yy as tf.Tensor2D, k, shift);
    const value = reduction === 'none' ? perExample : reduction === 'sum' ? tf.sum(perExample) : tf.mean(perExample);
    (save as tf.GradSaveFunc)([gradF, gradY]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [sF, sY] = saved as [tf.Tensor2D, tf.Tensor2D];
        return mixtureNllBackward(sF, sY, dy as tf.Tensor, reduction === 'mean' ? 1 / n : 1);
      },
    };
  });
  return f(features, y);
}

/** The op on `[n, 3K]` features and `[n, 1]` targets: `[n]` per-example values or a scalar. */
function fusedNll(features: tf.Tensor2D, y: tf.Tensor2D, k: number, shift: number, reduction: 'mean' | 'sum' | 'none'): tf.Tensor {
  const n = features.shape[0];
  const layout = headLayout(k);
  const f = tf.customGrad((ff, yy, save) => {
    const [logits, loc, raw] = layout.split(ff as tf.Tensor2D) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const sig = tf.sigmoid(raw);
    const scale = tf.add(tf.softplus(raw), shift);
    const inv = tf.reciprocal(scale);
    const z = tf.mul(tf.sub(yy as tf.Tensor, loc), inv);
    // log π_k + log N_k + log √(2π) − logsumexp(logits) = lp_k − lseL.
    const lp = tf.sub(logits, tf.add(tf.mul(tf.square(z), 0.5), tf.log(scale)));
    // Each logsumexp also gives its softmax (π and the responsibilities w) from the same exp.
    const [lseL, pi] = logSumExpAndSoftmax(logits);
    const [lseP, w] = logSumExpAndSoftmax(lp);
    const perExample = tf.reshape(tf.add(tf.sub(lseL, lseP), HALF_LOG_2PI), [n]);
    const value = reduction === 'none' ? perExample : reduction === 'sum' ? tf.sum(perExample) : tf.mean(perExample);
    (save as tf.GradSaveFunc)([pi, w, sig, inv, z]);
    return {
      value,
      gradFunc: (dy, saved) => {
        const [sPi, sW, sSig, sInv, sZ] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        // g: dL/d(per-example value), a scalar for mean/sum, [n, 1] for none.
        const g = reduction === 'none' ? tf.reshape(dy, [n, 1]) : reduction === 'mean' ? tf.div(dy, n) : dy;
        const wzi = tf.mul(tf.mul(sW, sZ), sInv);
        const dLogits = tf.mul(tf.sub(sPi, sW), g);
        const dLoc = tf.mul(wzi, tf.neg(g));
        // −w (z² − 1)/s · σ(raw) = (w/s − wzi·z) · σ(raw)
        const dRaw = tf.mul(tf.mul(tf.sub(tf.mul(sW, sInv), tf.mul(wzi, sZ)), sSig), g);
        const dY = tf.mul(tf.sum(wzi, 1, true), g);
        return [layout.merge(dLogits, dLoc, dRaw), dY];
      },
    };
  });
  return f(features, y);
}

/** logsumexp over the last axis, kept (`[n, 1]`), and the softmax, from one exp: max + log Σ exp(x − max). */
function logSumExpAndSoftmax(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const m = tf.max(x, 1, true);
  const e = tf.exp(tf.sub(x, m));
  const s = tf.sum(e, 1, true);
  return [tf.add(m, tf.log(s)), tf.div(e, s)];
}

/**
 * Splits the head's features `[n, 3K]` (blocks: K logits, K locs, K raw scales) into three
 * `[n, K]` tensors, and merges their gradients back with one concat. On wasm, whose Slice kernel
 * copies its whole source first, the split is three products with 0/1 selection matrices
 * (measured ~20% cheaper than `tf.split` there); elsewhere `tf.split`.
 */
function headLayout(k: number): { split(f: tf.Tensor2D): tf.Tensor2D[]; merge(dl: tf.Tensor, dm: tf.Tensor, dr: tf.Tensor): tf.Tensor2D } {
  const merge = (dl: tf.Tensor, dm: tf.Tensor, dr: tf.Tensor) => tf.concat([dl, dm, dr], 1) as tf.Tensor2D;
  if (tf.getBackend() === 'wasm') {
    // S_p [3K, K] picks block p.
    const selection = (part: number) => {
      const s = new Float32Array(3 * k * k);
      for (let j = 0; j < k; j++) s[(part * k + j) * k + j] = 1;
      return tf.tensor2d(s, [3 * k, k]);
    };
    return { split: (f) => [0, 1, 2].map((part) => tf.matMul(f, selection(part))), merge };
  }
  return { split: (f) => tf.split(f, 3, 1) as tf.Tensor2D[], merge };
}
