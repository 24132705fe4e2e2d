import * as tf from '@tensorflow/tfjs-core';
import { Independent, type Distribution } from '@probdl/distributions';
import type { Head, HeadApplyOptions, HeadOptions } from '../types.js';
import { buildOwning, checkEventShape, checkFeatures, fmtShape, resolveValidate, sizeOf } from './head-utils.js';

/**
 * The head `fn` of kind `kind` that reshapes features `[...batch, n]` (n = prod(eventShape)) to
 * `[...batch, ...eventShape]`, builds the one-parameter distribution `build(param, validateArgs)`
 * from them and wraps it in `Independent` over the event dimensions. The head owns the reshaped
 * tensor (freed with the distribution, or at once if building throws).
 */
export function independentHead(
  fn: string,
  kind: string,
  eventShape: readonly number[] | number,
  options: HeadOptions,
  build: (param: tf.Tensor, validateArgs: boolean) => Distribution,
): Head<Independent> {
  const event = checkEventShape(fn, 'eventShape', eventShape);
  const n = sizeOf(event);
  const label = `${fn}(${fmtShape(event)})`;
  return {
    kind,
    eventShape: event,
    paramsSize: n,
    apply(features: tf.Tensor, applyOptions?: HeadApplyOptions): Independent {
      const batch = checkFeatures(label, features, n);
      const validateArgs = resolveValidate(options.validateArgs, applyOptions);
      const param = tf.reshape(features, [...batch, ...event]);
      return buildOwning([param], () => new Independent({ distribution: build(param, validateArgs), reinterpretedBatchNdims: event.length, validateArgs }));
    },
  };
}

/** `paramsSize` of a head built by {@link independentHead}: prod(eventShape). */
export function independentParamsSize(fn: string, eventShape: readonly number[] | number): number {
  return sizeOf(checkEventShape(`${fn}.paramsSize`, 'eventShape', eventShape));
}
