import * as tf from '@tensorflow/tfjs-core';
import { Categorical } from '@probdl/distributions';
import { buildOwning, checkCount, checkFeatures, resolveValidate } from './internal/head-utils.js';
import type { Head, HeadApplyOptions, HeadOptions } from './types.js';

/**
 * A categorical head (TFP's `OneHotCategorical` layer, with integer events): features
 * `[...batch, K]` are the logits of a `Categorical` over {0, ..., K-1}, batch shape `batch`, event
 * shape []. `categorical.paramsSize(numClasses)` gives K.
 */
export function categorical(numClasses: number, options: HeadOptions = {}): Head<Categorical> {
  const k = checkCount('categorical', 'numClasses', numClasses);
  const label = `categorical(${k})`;
  return {
    kind: 'Categorical',
    eventShape: [],
    paramsSize: k,
    apply(features: tf.Tensor, applyOptions?: HeadApplyOptions): Categorical {
      checkFeatures(label, features, k);
      const validateArgs = resolveValidate(options.validateArgs, applyOptions);
      // A new handle on the same data (no copy), so the caller may dispose features.
      const logits = tf.clone(features);
      return buildOwning([logits], () => new Categorical({ logits, validateArgs }));
    },
  };
}
categorical.paramsSize = (numClasses: number): number => checkCount('categorical.paramsSize', 'numClasses', numClasses);
