import * as tf from '@tensorflow/tfjs-core';
import { Independent, Poisson } from '@probdl/distributions';
import { buildOwning, checkEventShape, checkFeatures, fmtShape, resolveValidate, sizeOf } from './internal/head-utils.js';
import type { Head, HeadApplyOptions, HeadOptions } from './types.js';

/**
 * TFP's `IndependentPoisson`: features `[...batch, n]` (n = prod(eventShape)) are log rates
 * (rate = exp(x), as TFP), reshaped to `[...batch, ...eventShape]`, as `Independent(Poisson)`.
 * The Poisson is built from `logRate`, so no exp overflows in its log mass.
 * `independentPoisson.paramsSize(eventShape)` gives n.
 */
export function independentPoisson(eventShape: readonly number[] | number = [], options: HeadOptions = {}): Head<Independent> {
  const event = checkEventShape('independentPoisson', 'eventShape', eventShape);
  const n = sizeOf(event);
  const label = `independentPoisson(${fmtShape(event)})`;
  return {
    kind: 'IndependentPoisson',
    eventShape: event,
    paramsSize: n,
    apply(features: tf.Tensor, applyOptions?: HeadApplyOptions): Independent {
      const batch = checkFeatures(label, features, n);
      const validateArgs = resolveValidate(options.validateArgs, applyOptions);
      const logRate = tf.reshape(features, [...batch, ...event]);
      return buildOwning(
        [logRate],
        () => new Independent({ distribution: new Poisson({ logRate, validateArgs }), reinterpretedBatchNdims: event.length, validateArgs }),
      );
    },
  };
}
independentPoisson.paramsSize = (eventShape: readonly number[] | number): number =>
  sizeOf(checkEventShape('independentPoisson.paramsSize', 'eventShape', eventShape));
