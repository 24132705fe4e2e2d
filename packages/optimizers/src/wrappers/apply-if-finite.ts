import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import type { GradientTransformation, OptState } from '../types.js';
import { selectTree, tidyPair } from './internal.js';

/** State of {@link applyIfFinite} (`optax.ApplyIfFiniteState`). */
export interface ApplyIfFiniteState {
  [key: string]: Tree;
  /** Consecutive non-finite updates so far (int32 scalar); 0 after a finite one. */
  notfiniteCount: tf.Scalar;
  /** Whether the last updates were all finite (bool scalar). */
  lastFinite: tf.Scalar;
  /** Non-finite updates over the whole run (int32 scalar). */
  totalNotfinite: tf.Scalar;
  /** The state of the inner transformation. */
  innerState: OptState;
}

/**
 * Skips updates that hold a NaN or an infinity (`optax.apply_if_finite`): such a step emits zero
 * updates and leaves the inner state unchanged, and counts itself in `notfiniteCount` (consecutive)
 * and `totalNotfinite`. After more than `maxConsecutiveErrors` consecutive bad steps the update is
 * applied anyway (as in Optax), so a run cannot stall silently forever. Decided on the device
 * (the inner update runs at every call and is selected); plain number leaves of the inner state,
 * which live on the host, follow every call.
 */
export function applyIfFinite(inner: GradientTransformation, maxConsecutiveErrors: number): GradientTransformation<ApplyIfFiniteState> {
  if (inner === null || typeof inner !== 'object' || typeof inner.init !== 'function' || typeof inner.update !== 'function') {
    throw new Error('applyIfFinite: inner is not a GradientTransformation');
  }
  if (typeof maxConsecutiveErrors !== 'number' || !Number.isInteger(maxConsecutiveErrors) || maxConsecutiveErrors < 0) {
    throw new Error(`applyIfFinite: maxConsecutiveErrors must be an integer >= 0, got ${String(maxConsecutiveErrors)}`);
  }
  return {
    init: (params) => ({
      notfiniteCount: tf.scalar(0, 'int32'),
      lastFinite: tf.scalar(true, 'bool'),
      totalNotfinite: tf.scalar(0, 'int32'),
      innerState: inner.init(params),
    }),
    update(updates, state, params) {
      if (!(state?.notfiniteCount instanceof tf.Tensor) || !(state.totalNotfinite instanceof tf.Tensor)) {
        throw new Error('applyIfFinite: state must be made by init (notfiniteCount, lastFinite, totalNotfinite, innerState)');
      }
      return tidyPair(() => {
        const checks = tree
          .leaves(updates as never)
          .map((x: tf.Tensor | number) => (typeof x === 'number' ? tf.scalar(Number.isFinite(x), 'bool') : tf.all(tf.isFinite(x))));
        const isFinite = (checks.length === 0 ? tf.scalar(true, 'bool') : tf.all(tf.stack(checks))) as tf.Scalar;
        const one = tf.scalar(1, 'int32');
        const notfiniteCount = tf.where(isFinite, tf.scalar(0, 'int32'), tf.add(state.notfiniteCount, one)) as tf.Scalar;
        const totalNotfinite = tf.where(isFinite, state.totalNotfinite, tf.add(state.totalNotfinite, one)) as tf.Scalar;
        const apply = tf.logicalOr(isFinite, tf.greater(notfiniteCount, tf.scalar(maxConsecutiveErrors, 'int32')));
        const [u, newInner] = inner.update(updates, state.innerState, params);
        const out = selectTree(apply, u, tree.zerosLike(u as never) as Tree);
        const innerState = selectTree(apply, newInner, state.innerState);
        return [out, { notfiniteCount, lastFinite: isFinite, totalNotfinite, innerState }];
      });
    },
  };
}
