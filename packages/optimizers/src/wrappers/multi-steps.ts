import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import type { GradientTransformation, OptState } from '../types.js';
import { incrementCount, zeroCount } from '../chain.js';
import { selectTree, tidyPair } from './internal.js';

/** State of {@link multiSteps}. */
export interface MultiStepsState {
  [key: string]: Tree;
  /** Gradients accumulated since the last inner update (int32 scalar), in [0, k). */
  miniStep: tf.Scalar;
  /** Inner updates done so far (int32 scalar). */
  gradientStep: tf.Scalar;
  /** The state of the inner transformation. */
  innerState: OptState;
  /** The running mean of the gradients of the current mini-steps. */
  accGrads: Tree;
}

/**
 * Gradient accumulation (`optax.MultiSteps`): for `everyK - 1` calls emits zero updates and
 * accumulates the running mean of the gradients; at the `everyK`-th call applies `inner` to the
 * mean gradient and resets the accumulator, so the parameters move as one big-batch step every
 * `everyK` calls. The inner update runs at every call and its result is selected on the device
 * (no readback); the inner state only advances on the emitting calls (its tensor leaves; plain
 * number leaves, which live on the host, follow every call).
 */
export function multiSteps(inner: GradientTransformation, everyK: number): GradientTransformation<MultiStepsState> {
  if (inner === null || typeof inner !== 'object' || typeof inner.init !== 'function' || typeof inner.update !== 'function') {
    throw new Error('multiSteps: inner is not a GradientTransformation');
  }
  if (typeof everyK !== 'number' || !Number.isInteger(everyK) || everyK < 1) {
    throw new Error(`multiSteps: everyK must be an integer >= 1, got ${String(everyK)}`);
  }
  return {
    init: (params) => ({
      miniStep: zeroCount(),
      gradientStep: zeroCount(),
      innerState: inner.init(params),
      accGrads: tree.zerosLike(params as never) as Tree,
    }),
    update(updates, state, params) {
      if (!(state?.miniStep instanceof tf.Tensor) || !(state.gradientStep instanceof tf.Tensor)) {
        throw new Error('multiSteps: state must be made by init (miniStep, gradientStep, innerState, accGrads)');
      }
      tree.assertSameShapes(state.accGrads as never, updates as never, 'multiSteps');
      return tidyPair(() => {
        const n = tf.cast(tf.add(state.miniStep, tf.scalar(1, 'int32')), 'float32');
        const acc = tree.map(
          (g: tf.Tensor | number, a: tf.Tensor | number) => {
            if (typeof g === 'number' || typeof a === 'number') return a;
            return tf.add(a, tf.div(tf.sub(tf.cast(g, a.dtype), a), tf.cast(n, a.dtype)));
          },
          updates as never,
          state.accGrads as never,
        ) as Tree;
        const emit = tf.greaterEqual(state.miniStep, tf.scalar(everyK - 1, 'int32'));
        const [innerUpdates, newInner] = inner.update(acc, state.innerState, params);
        const zeros = tree.zerosLike(innerUpdates as never) as Tree;
        const out = selectTree(emit, innerUpdates, zeros);
        const innerState = selectTree(emit, newInner, state.innerState);
        const accGrads = selectTree(emit, tree.zerosLike(acc as never) as Tree, acc);
        const miniStep = tf.where(emit, tf.scalar(0, 'int32'), incrementCount(state.miniStep)) as tf.Scalar;
        const gradientStep = tf.where(emit, incrementCount(state.gradientStep), state.gradientStep) as tf.Scalar;
        return [out, { miniStep, gradientStep, innerState, accGrads }];
      });
    },
  };
}
