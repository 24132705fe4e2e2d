import * as tf from '@tensorflow/tfjs-core';
import type { Tree } from '@probdl/tensor-backend';
import { incrementCount, zeroCount } from '../chain.js';
import type { GradientTransformation, ScalarOrSchedule, Schedule } from '../types.js';
import { checkBoolean, checkNumber, mapLeaves, tidyPair } from './internal.js';

/** State of {@link scaleBySchedule}: the number of updates so far (int32 scalar). */
export type ScaleByScheduleState = { count: tf.Scalar };

/**
 * Multiplies the updates by a constant (`optax.scale`). Stateless.
 *
 * @param step - the factor, any finite number.
 */
export function scale(step: number): GradientTransformation<Record<string, never>> {
  checkNumber('scale', 'step', step);
  return {
    init: () => ({}),
    update: (updates) => [mapLeaves((g) => tf.mul(g, step), updates), {}],
  };
}

/**
 * Multiplies the updates by `schedule(count)`, where `count` is the number of updates done before
 * this one (0 on the first step), evaluated on the device (`optax.scale_by_schedule`).
 */
export function scaleBySchedule(schedule: Schedule): GradientTransformation<ScaleByScheduleState> {
  if (typeof schedule !== 'function') throw new Error(`scaleBySchedule: schedule must be a function of the step count, got ${String(schedule)}`);
  return {
    init: () => ({ count: zeroCount() }),
    update: (updates, state) =>
      tidyPair(() => {
        const step = tf.cast(schedule(state.count), 'float32');
        const out = mapLeaves((g) => tf.mul(g, step), updates);
        return [out, { count: incrementCount(state.count) }];
      }) as [Tree, ScaleByScheduleState],
  };
}

/** Options of {@link scaleByLearningRate}. */
export interface ScaleByLearningRateOptions {
  /** Multiply by `-lr` (descent) rather than `lr`. Default true. */
  flipSign?: boolean;
}

/**
 * Multiplies the updates by `-lr` (`optax.scale_by_learning_rate`), the last link of every optimizer.
 * A number gives the stateless {@link scale}; a schedule gives {@link scaleBySchedule} of
 * `count => -lr(count)`, so its state keeps a step count.
 *
 * @param lr - a non-negative learning rate, or a schedule of the step count.
 * @throws when `lr` is negative or not finite, or not a number or a function.
 */
export function scaleByLearningRate(
  lr: ScalarOrSchedule,
  options: ScaleByLearningRateOptions = {},
): GradientTransformation {
  const flipSign = checkBoolean('scaleByLearningRate', 'flipSign', options.flipSign ?? true);
  const m = flipSign ? -1 : 1;
  if (typeof lr === 'function') {
    return scaleBySchedule((count) => tf.tidy(() => tf.mul(tf.cast(lr(count), 'float32'), m)) as tf.Scalar);
  }
  checkNumber('scaleByLearningRate', 'lr (learning rate)', lr, { min: 0 });
  return scale(m * lr);
}
