import type * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';

/** Makes a float32 tensor of `shape` from `key` (constant initialisers ignore the key). */
export type Initializer = (key: PRNGKey, shape: readonly number[]) => tf.Tensor;
