import * as tf from '@tensorflow/tfjs-core';
import { INDABA_2022_RAW, type IndabaDatasetName } from './indaba-data.js';

const f = Math.fround;

/** A 1-D data set: inputs and targets, both `[n]`. */
export interface XY1D {
  /** Inputs, `[n]`. */
  readonly x: tf.Tensor1D;
  /** Targets, `[n]`. */
  readonly y: tf.Tensor1D;
}

/**
 * The values an Indaba 2022 data set has after the notebook's transforms, as float32 host arrays
 * (each step rounded to float32, as the notebook's JAX float32 code):
 * - `outlier`: `x = (x - mean(x)) / std(x)` with the population std (ddof 0), `y = y - 3`;
 * - `nonlinear`: `y = 5 y`;
 * - `classification`, `identity`: as written.
 */
export function indabaValues(name: IndabaDatasetName): { x: Float32Array; y: Float32Array } {
  const raw = INDABA_2022_RAW[name];
  if (raw === undefined) throw new Error(`indabaDataset: unknown name '${String(name)}'; expected one of ${Object.keys(INDABA_2022_RAW).join(', ')}`);
  const x = Float32Array.from(raw.x);
  const y = Float32Array.from(raw.y);
  if (name === 'outlier') {
    let s = 0;
    for (const v of x) s = f(s + v);
    const mean = f(s / x.length);
    let ss = 0;
    for (const v of x) ss = f(ss + f(f(v - mean) ** 2));
    const std = f(Math.sqrt(f(ss / x.length)));
    for (let i = 0; i < x.length; i++) x[i] = f(f(x[i]! - mean) / std);
    for (let i = 0; i < y.length; i++) y[i] = f(y[i]! - 3);
  } else if (name === 'nonlinear') {
    for (let i = 0; i < y.length; i++) y[i] = f(y[i]! * 5);
  }
  return { x, y };
}

/**
 * One of the four data sets of the Deep Learning Indaba 2022 Bayesian practical (`outlier`,
 * `nonlinear`, `classification`, `identity`) with the notebook's transforms applied (see
 * {@link indabaValues}; raw literals and provenance in {@link INDABA_2022_RAW}). Fresh float32
 * tensors; combine with {@link affineBasis} for the notebook's linear model.
 */
export function indabaDataset(name: IndabaDatasetName): XY1D {
  const { x, y } = indabaValues(name);
  return { x: tf.tensor1d(x, 'float32'), y: tf.tensor1d(y, 'float32') };
}

/** The notebook's affine basis: rows `[1, x_n]`, a fresh `[n, 2]` tensor from `x` of shape `[n]` (or `[n, 1]`). */
export function affineBasis(x: tf.Tensor): tf.Tensor2D {
  const ok = x?.rank === 1 || (x?.rank === 2 && x.shape[1] === 1);
  if (!ok) throw new Error(`affineBasis: x must have shape [n] or [n, 1], got ${x?.shape === undefined ? String(x) : `[${x.shape.join(', ')}]`}`);
  return tf.tidy(() => {
    const col = tf.reshape(x, [-1, 1]);
    return tf.concat([tf.onesLike(col), col], 1) as tf.Tensor2D;
  });
}
