import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import type { GradientTransformation, OptState } from './types.js';

/**
 * Applies transformations one after the other: the updates of each are the input of the next.
 * The state is the list of the states of the parts, in order.
 *
 * ```ts
 * const adam = (lr: number) => chain(scaleByAdam(), scaleByLearningRate(lr));
 * ```
 */
export function chain(...transformations: GradientTransformation[]): GradientTransformation<OptState[]> {
  transformations.forEach((t, i) => {
    if (t === null || typeof t !== 'object' || typeof t.init !== 'function' || typeof t.update !== 'function') {
      throw new TypeError(`chain: argument ${i} is not a GradientTransformation (an object with init and update)`);
    }
  });
  return {
    init: (params) => transformations.map((t) => t.init(params)),
    update(updates, state, params) {
      if (!Array.isArray(state) || state.length !== transformations.length) {
        throw new Error(`chain: expected a state list of ${transformations.length}, got ${Array.isArray(state) ? `a list of ${state.length}` : typeof state}`);
      }
      const newStates: OptState[] = [];
      let current: Tree = updates;
      transformations.forEach((t, i) => {
        const [next, s] = t.update(current, state[i] as OptState, params);
        // Intermediate updates are ours to free; the caller's gradients are not.
        if (current !== updates) tree.dispose(current);
        current = next;
        newStates.push(s);
      });
      // An empty chain is the identity: return copies, so the result is fresh like any other.
      return [current === updates ? tree.clone(updates) : current, newStates];
    },
  };
}

/** The identity transformation (`optax.identity`), with an empty state. */
export function identity(): GradientTransformation<Record<string, never>> {
  return { init: () => ({}), update: (updates) => [tree.clone(updates), {}] };
}

/** A fresh int32 zero: the step count every counting transformation starts from. */
export function zeroCount(): tf.Scalar {
  return tf.scalar(0, 'int32');
}

/** count + 1, fresh. */
export function incrementCount(count: tf.Scalar): tf.Scalar {
  return tf.add(count, tf.scalar(1, 'int32'));
}
