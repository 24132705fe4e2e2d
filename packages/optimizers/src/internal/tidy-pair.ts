import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.tidy` for a function returning a pair (updates, state): tensors inside the returned pair are
 * kept, every other tensor made inside is disposed. Internal; not re-exported.
 */
export function tidyPair<A, B>(f: () => [A, B]): [A, B] {
  return tf.tidy(f as unknown as () => tf.TensorContainer) as unknown as [A, B];
}
