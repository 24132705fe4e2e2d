import * as tf from '@tensorflow/tfjs-core';
import { Bernoulli, Independent } from '@probdl/distributions';
import { buildOwning, checkEventShape, checkFeatures, fmtShape, resolveValidate, sizeOf } from './internal/head-utils.js';
import type { Head, HeadApplyOptions, HeadOptions } from './types.js';

/**
 * TFP's `IndependentBernoulli`: features `[...batch, n]` (n = prod(eventShape)) are the logits,
 * reshaped to `[...batch, ...eventShape]`, as `Independent(Bernoulli(logits))` (batch shape `batch`).
 * `independentBernoulli.paramsSize(eventShape)` gives n.
 */
export function independentBernoulli(eventShape: readonly number[] | number = [], options: HeadOptions = {}): Head<Independent> {
  const event = checkEventShape('independentBernoulli', 'eventShape', eventShape);
  const n = sizeOf(event);
  const label = `independentBernoulli(${fmtShape(event)})`;
  return {
    kind: 'IndependentBernoulli',
    eventShape: event,
    paramsSize: n,
    apply(features: tf.Tensor, applyOptions?: HeadApplyOptions): Independent {
      const batch = checkFeatures(label, features, n);
      const validateArgs = resolveValidate(options.validateArgs, applyOptions);
      const logits = tf.reshape(features, [...batch, ...event]);
      return buildOwning(
        [logits],
        () => new Independent({ distribution: new Bernoulli({ logits, validateArgs }), reinterpretedBatchNdims: event.length, validateArgs }),
      );
    },
  };
}
independentBernoulli.paramsSize = (eventShape: readonly number[] | number): number =>
  sizeOf(checkEventShape('independentBernoulli.paramsSize', 'eventShape', eventShape));
