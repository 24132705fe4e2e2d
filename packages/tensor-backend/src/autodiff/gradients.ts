import * as tf from '@tensorflow/tfjs-core';
import { flattenWithPaths } from '../tree/flatten.js';
import { pathForError } from '../tree/path.js';
import type { TreeDefImpl } from '../tree/treedef.js';
import { discardTapeAfterError, repairTape } from './tape.js';

/**
 * The leaves of a tree to differentiate with respect to: every leaf must be a live float32 tensor.
 * `fn` names the public function and `arg` the argument in errors.
 */
export function differentiableLeaves(fn: string, arg: string, tree: unknown): { leaves: tf.Tensor[]; treedef: TreeDefImpl<never> } {
  const { leaves, paths, treedef } = flattenWithPaths(tree, fn);
  const tensors = leaves.map((leaf, i) => {
    const where = `${arg} leaf ${pathForError(paths[i]!)}`;
    if (typeof leaf === 'number') {
      throw new TypeError(
        `${fn}: ${where} is the plain number ${leaf}; only float32 tensors can be differentiated ` +
          '(wrap it with tf.scalar, or pass it as an extra argument after the tree)',
      );
    }
    if (leaf.isDisposed) throw new Error(`${fn}: ${where} is a disposed tensor`);
    if (leaf.dtype !== 'float32') {
      throw new TypeError(
        `${fn}: ${where} has dtype ${leaf.dtype}; only float32 tensors can be differentiated ` +
          '(pass integer or boolean data as an extra argument after the tree)',
      );
    }
    return leaf;
  });
  return { leaves: tensors, treedef };
}

/** Throws unless `y` is a float32 tensor of shape `[]`. */
export function checkScalarValue(fn: string, y: unknown): asserts y is tf.Scalar {
  if (!(y instanceof tf.Tensor)) {
    throw new TypeError(`${fn}: f must return a float32 scalar tensor, got ${typeof y === 'number' ? `the number ${y}` : typeof y}`);
  }
  if (y.rank !== 0) {
    throw new Error(`${fn}: f must return a scalar (shape []), got shape [${y.shape.join(', ')}]; reduce it, e.g. with tf.sum or tf.mean`);
  }
  if (y.dtype !== 'float32') throw new TypeError(`${fn}: f must return a float32 scalar, got dtype ${y.dtype}`);
}

/**
 * `engine.gradients` of `body` with respect to `xs`, made safe:
 * - the tape is repaired before the backward pass (see tape.ts);
 * - an `x` that `body` does not reach gets a zero gradient (JAX's convention), not an error;
 * - when `body` throws, the error is rethrown only after the tape is cleaned up, so nothing leaks;
 * - an op without a gradient gives an error naming the op and the caller.
 * Call it inside `tf.tidy`. `xs` must be non-empty.
 */
export function gradientsOf(fn: string, body: () => tf.Tensor, xs: tf.Tensor[]): { value: tf.Tensor; grads: tf.Tensor[] } {
  let failure: { error: unknown } | undefined;
  const forward = (): tf.Tensor => {
    try {
      const y = body();
      repairTape();
      return y;
    } catch (error) {
      // Throwing here would strand the kept tensors that the tape saved; finish the (empty)
      // backward pass first and rethrow afterwards.
      failure = { error };
      return tf.scalar(0);
    }
  };
  let result: { value: tf.Tensor; grads: (tf.Tensor | undefined | null)[] };
  try {
    result = tf.engine().gradients(forward, xs, undefined, true);
  } catch (error) {
    discardTapeAfterError();
    const op = error instanceof Error ? /gradient function not found for (\w+)/.exec(error.message)?.[1] : undefined;
    if (op !== undefined) {
      throw new Error(
        `${fn}: tfjs-core has no gradient for the op '${op}', which lies between the inputs and the output` +
          (/Grad$/.test(op) ? ' (it is itself a gradient kernel: this op has no second derivative in tfjs)' : ''),
        { cause: error },
      );
    }
    throw error;
  }
  if (failure !== undefined) throw failure.error;
  return { value: result.value, grads: result.grads.map((g, i) => g ?? tf.zeros(xs[i]!.shape)) };
}
