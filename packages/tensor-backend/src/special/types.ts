import type * as tf from '@tensorflow/tfjs-core';

/**
 * What the special functions accept as an argument: a tensor (any real dtype; it is read as float32), a number,
 * or a (nested) array of numbers. Results are always fresh float32 tensors.
 */
export type SpecialInput = tf.Tensor | tf.TensorLike;
