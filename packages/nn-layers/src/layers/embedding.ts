import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import type { ApplyOptions, Module } from '../core/module.js';
import type { Initializer } from '../initializers/types.js';
import { checkInputShape, checkInt, checkTensor, fmtShape } from './internal/checks.js';
import { varianceScaling } from '../initializers/variance-scaling.js';

/** Options of {@link embedding}. */
export interface EmbeddingOptions {
  /**
   * Initialiser of the `[numEmbeddings, features]` table. Default: Flax's `default_embed_init`,
   * `variance_scaling(1, 'fan_in', 'normal', out_axis=0)`: JAX's fan-in of a `[num, features]`
   * table with in and out axis both 0 comes to `features`, so entries are N(0, 1/features)
   * (here `varianceScaling(1, 'fan_in', 'normal', { inAxis: 1, outAxis: 0 })`, the same draws).
   */
  readonly embeddingInit?: Initializer;
}

/** Embedding's parameters: the lookup table `embedding`, `[numEmbeddings, features]`. */
export type EmbeddingParams = { embedding: tf.Tensor };

/**
 * A lookup table: integer indices of any shape `[...]` give rows `[..., features]` of
 * `params.embedding` (like `tf.gather` on axis 0; gradients flow into the table).
 *
 * Indices may be int32, or float32 holding integers (cast to int32, truncating). An index outside
 * [0, numEmbeddings) cannot be checked without a synchronous readback (not allowed: WebGPU reads
 * back asynchronously only), so it gives a row of NaN instead of an error or a silently clamped
 * row: the mistake shows up in any loss. `tf.gather` alone would throw on cpu and clamp or zero on
 * other backends.
 */
export function embedding(numEmbeddings: number, features: number, options: EmbeddingOptions = {}): Module<EmbeddingParams> {
  const where = `embedding(${numEmbeddings}, ${features})`;
  checkInt('embedding', 'numEmbeddings', numEmbeddings, 1);
  checkInt('embedding', 'features', features, 1);
  const init: Initializer = options.embeddingInit ?? varianceScaling(1, 'fan_in', 'normal', { inAxis: 1, outAxis: 0 });
  return {
    kind: 'Embed',
    init(key: PRNGKey, inputShape: readonly number[]): EmbeddingParams {
      checkInputShape(`${where}.init`, inputShape, 0);
      return { embedding: init(key, [numEmbeddings, features]) };
    },
    outputShape: (inputShape) => [...inputShape, features],
    apply(params: EmbeddingParams, x: tf.Tensor, _options?: ApplyOptions): tf.Tensor {
      const fn = `${where}.apply`;
      checkTensor(fn, 'x', x);
      checkTensor(fn, 'params.embedding', params?.embedding);
      const table = params.embedding;
      if (table.rank !== 2 || table.shape[0] !== numEmbeddings || table.shape[1] !== features) {
        throw new RangeError(`${fn}: params.embedding has shape ${fmtShape(table.shape)}, expected [${numEmbeddings}, ${features}]`);
      }
      if (x.dtype !== 'int32' && x.dtype !== 'float32') {
        throw new TypeError(`${fn}: x must hold integer indices (int32, or float32 integers), got dtype ${x.dtype}`);
      }
      return tf.tidy(() => {
        const idx = tf.reshape(x.dtype === 'int32' ? x : tf.cast(x, 'int32'), [-1]);
        const valid = tf.logicalAnd(tf.greaterEqual(idx, 0), tf.less(idx, numEmbeddings));
        const safe = tf.where(valid, idx, tf.zerosLike(idx));
        const rows = tf.gather(table, safe, 0);
        const out = tf.where(tf.expandDims(valid, 1), rows, tf.fill(rows.shape, Number.NaN));
        return tf.reshape(out, [...x.shape, features]);
      });
    },
  };
}
