import * as tf from '@tensorflow/tfjs-core';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import type { StandardScalerState } from '../transforms/standard-scaler.js';
import type { ClusterCatalogue } from './catalogue.js';
import { histogramPrior, type HistogramPrior } from './histogram-prior.js';

/** Options of {@link prepareClusterMass}. */
export interface PrepareClusterMassOptions {
  /** Training rows (the first `trainSize` of the permutation), an integer in [1, count − 1]. Default 200,000. */
  trainSize?: number;
  /** Bins of the histogram prior of the training log masses. Default 64. */
  priorBins?: number;
  /** The clip of y (the tutorial's `clip(·, 1e-5, 1 − 1e-5)`). Default 1e-5. */
  clip?: number;
}

/**
 * The tutorial's preprocessed cluster-mass data: standardised features, y in (0, 1), the fitted
 * transforms with their inverses, and the histogram prior. Tensors are fresh; {@link PreparedClusterMass.dispose}
 * frees them all.
 */
export interface PreparedClusterMass {
  /** `[trainSize, 14]` standardised training features (float32). */
  readonly xTrain: tf.Tensor2D;
  /** `[trainSize, 1]` min-max scaled, clipped log masses. */
  readonly yTrain: tf.Tensor2D;
  /** `[count − trainSize, 14]` test features, standardised with the training statistics. */
  readonly xTest: tf.Tensor2D;
  /** `[count − trainSize, 1]` test targets. */
  readonly yTest: tf.Tensor2D;
  /** Catalogue rows of the training set (`permutation(key, count)[:trainSize]`). */
  readonly trainIndices: Int32Array;
  /** Catalogue rows of the test set (the rest of the permutation). */
  readonly testIndices: Int32Array;
  /** The StandardScaler fitted on the training rows (in float64 on the host, sklearn's rules); use with `standardScaler().transform` / `inverse`. */
  readonly scaler: StandardScalerState;
  /** Training means and population standard deviations per feature, float64. */
  readonly scalerHost: { readonly mean: Float64Array; readonly scale: Float64Array };
  /** The min and max of log mass over all rows (the MinMaxScaler's fit). */
  readonly logMassRange: { readonly min: number; readonly max: number };
  /** Training log masses (float64), the sample of the prior. */
  readonly logMassTrain: Float64Array;
  /** Test log masses (float64). */
  readonly logMassTest: Float64Array;
  /** The histogram prior of the training log masses (`priorBins` bins). */
  readonly prior: HistogramPrior;
  /** log mass → y, unclipped: `(m − min) / (max − min)` (host). */
  logMassToY(logMass: number): number;
  /** y → log mass: `min + y (max − min)` (host; the inverse of the scaling, not of the clip). */
  yToLogMass(y: number): number;
  /** y → log mass elementwise on a tensor; a fresh tensor (`y` is not disposed). */
  yToLogMassTensor(y: tf.Tensor): tf.Tensor;
  /** Disposes every tensor above (xTrain, yTrain, xTest, yTest, scaler.mean, scaler.scale). */
  dispose(): void;
}

/**
 * The tutorial's preprocessing in one call: a random split (the first `trainSize` rows of
 * `permutation(key, count)` train, the rest test), sklearn's `StandardScaler` fitted on the training
 * features only, `MinMaxScaler` of log mass fitted on **all** rows then clipped to [1e-5, 1 − 1e-5],
 * and a 64-bin histogram prior of the training log masses. Computed in float64 on the host and
 * uploaded as float32. The catalogue is not modified.
 *
 * @throws RangeError if `trainSize` is not an integer in [1, count − 1] or the clip is not in [0, 0.5).
 */
export function prepareClusterMass(catalogue: ClusterCatalogue, key: PRNGKey, options: PrepareClusterMassOptions = {}): PreparedClusterMass {
  const n = catalogue.count;
  const F = catalogue.columns.length;
  if (catalogue.features.length !== n * F || catalogue.logMass.length !== n) {
    throw new RangeError(`prepareClusterMass: catalogue has count ${n} and ${F} columns but ${catalogue.features.length} feature values and ${catalogue.logMass.length} log masses`);
  }
  const trainSize = options.trainSize ?? 200_000;
  if (!Number.isInteger(trainSize) || trainSize < 1 || trainSize > n - 1) {
    throw new RangeError(`prepareClusterMass: options.trainSize must be an integer in [1, ${n - 1}] (count ${n}), got ${String(trainSize)}`);
  }
  const clip = options.clip ?? 1e-5;
  if (!(clip >= 0 && clip < 0.5)) throw new RangeError(`prepareClusterMass: options.clip must be in [0, 0.5), got ${String(clip)}`);
  const perm = random.permutationIndices(key, n);
  const trainIndices = perm.slice(0, trainSize);
  const testIndices = perm.slice(trainSize);
  const X = catalogue.features;

  // StandardScaler on the training rows, float64 (two passes), sklearn's constant-column rule.
  const mean = new Float64Array(F);
  const scale = new Float64Array(F);
  for (const r of trainIndices) for (let j = 0; j < F; j++) mean[j] = mean[j]! + X[r * F + j]!;
  for (let j = 0; j < F; j++) mean[j] = mean[j]! / trainSize;
  for (const r of trainIndices) {
    for (let j = 0; j < F; j++) {
      const d = X[r * F + j]! - mean[j]!;
      scale[j] = scale[j]! + d * d;
    }
  }
  for (let j = 0; j < F; j++) {
    const std = Math.sqrt(scale[j]! / trainSize);
    scale[j] = std === 0 || std <= 10 * Number.EPSILON * Math.abs(mean[j]!) ? 1 : std;
  }
  const standardise = (rows: Int32Array): tf.Tensor2D => {
    const out = new Float32Array(rows.length * F);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      for (let j = 0; j < F; j++) out[i * F + j] = (X[r * F + j]! - mean[j]!) / scale[j]!;
    }
    return tf.tensor2d(out, [rows.length, F]);
  };

  // MinMaxScaler of log mass over all rows, then the clip.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of catalogue.logMass) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const width = hi > lo ? hi - lo : 1;
  const toY = (m: number): number => (m - lo) / width;
  const targets = (rows: Int32Array): [tf.Tensor2D, Float64Array] => {
    const y = new Float32Array(rows.length);
    const lm = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      lm[i] = catalogue.logMass[rows[i]!]!;
      y[i] = Math.min(1 - clip, Math.max(clip, toY(lm[i]!)));
    }
    return [tf.tensor2d(y, [rows.length, 1]), lm];
  };

  const [yTrain, logMassTrain] = targets(trainIndices);
  const [yTest, logMassTest] = targets(testIndices);
  const xTrain = standardise(trainIndices);
  const xTest = standardise(testIndices);
  const scaler: StandardScalerState = { mean: tf.tensor1d(Float32Array.from(mean)), scale: tf.tensor1d(Float32Array.from(scale)) };
  return {
    xTrain,
    yTrain,
    xTest,
    yTest,
    trainIndices,
    testIndices,
    scaler,
    scalerHost: { mean, scale },
    logMassRange: { min: lo, max: hi },
    logMassTrain,
    logMassTest,
    prior: histogramPrior(logMassTrain, options.priorBins ?? 64),
    logMassToY: toY,
    yToLogMass: (y) => lo + y * width,
    yToLogMassTensor: (y) => tf.tidy(() => tf.add(tf.mul(y, width), lo)),
    dispose: () => tf.dispose([xTrain, yTrain, xTest, yTest, scaler.mean, scaler.scale]),
  };
}
