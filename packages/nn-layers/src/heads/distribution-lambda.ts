import * as tf from '@tensorflow/tfjs-core';
import { Distribution } from '@probdl/distributions';
import { checkEventShape, checkFeatures, fmtShape, ownTensors } from './internal/head-utils.js';
import type { Head, HeadApplyOptions } from './types.js';

/** Options of {@link distributionLambda}. */
export interface DistributionLambdaOptions {
  /** The feature length it reads; when given, `apply` checks it (and the head can sit behind {@link withHead}). */
  readonly paramsSize?: number;
  /** The event shape `fn` returns; when given, `apply` checks it. */
  readonly eventShape?: readonly number[];
  /** The head's `kind` (default 'DistributionLambda'). */
  readonly kind?: string;
}

/** A {@link distributionLambda} head whose size or event shape was not given: usable on its own, not as a {@link Head}. */
export interface DistributionLambdaHead<D extends Distribution = Distribution> {
  readonly kind: string;
  readonly eventShape: readonly number[] | undefined;
  readonly paramsSize: number | undefined;
  apply(features: tf.Tensor, options?: HeadApplyOptions): D;
}

/** Tensors reachable from `root` through enumerable properties and arrays (what `tf.tidy` keeps of a returned object). */
function reachableTensors(root: unknown): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (v instanceof tf.Tensor) {
      out.push(v);
      return;
    }
    for (const k in v) walk((v as Record<string, unknown>)[k]);
  };
  walk(root);
  return out;
}

/**
 * TFP's `DistributionLambda`: any `features -> distribution` map as a head. `fn` runs inside a
 * `tf.tidy`, so its intermediate tensors are freed; the tensors it created that the distribution
 * keeps (reachable through its properties) become owned by it, freed by its `dispose()`. Tensors
 * `fn` did not create (features, captured constants) are never disposed. With `paramsSize` and
 * `eventShape` both given the result is a {@link Head}, usable in {@link mixtureSameFamily} and
 * {@link withHead}; either one given is checked on every `apply`.
 *
 * `fn` receives the head's `validateArgs` as its second argument (false unless the caller asks).
 */
export function distributionLambda<D extends Distribution>(
  fn: (features: tf.Tensor, options: { readonly validateArgs: boolean }) => D,
  options: DistributionLambdaOptions & { readonly paramsSize: number; readonly eventShape: readonly number[] },
): Head<D>;
export function distributionLambda<D extends Distribution>(
  fn: (features: tf.Tensor, options: { readonly validateArgs: boolean }) => D,
  options?: DistributionLambdaOptions,
): DistributionLambdaHead<D>;
export function distributionLambda<D extends Distribution>(
  fn: (features: tf.Tensor, options: { readonly validateArgs: boolean }) => D,
  options: DistributionLambdaOptions = {},
): DistributionLambdaHead<D> {
  if (typeof fn !== 'function') throw new TypeError(`distributionLambda: argument 'fn' must be a function, got ${typeof fn}`);
  const size = options.paramsSize;
  if (size !== undefined && !(Number.isInteger(size) && size > 0)) {
    throw new RangeError(`distributionLambda: option 'paramsSize' must be a positive integer, got ${String(size)}`);
  }
  const event = options.eventShape === undefined ? undefined : options.eventShape.length === 0 ? [] : checkEventShape('distributionLambda', 'eventShape', options.eventShape);
  const kind = options.kind ?? 'DistributionLambda';
  const label = 'distributionLambda';
  return {
    kind,
    eventShape: event,
    paramsSize: size,
    apply(features: tf.Tensor, applyOptions?: HeadApplyOptions): D {
      checkFeatures(label, features, size);
      const validateArgs = applyOptions?.validateArgs ?? false;
      // Tensor ids grow monotonically: anything with an id past this marker was made by fn.
      const marker = tf.scalar(0);
      const firstId = marker.id;
      marker.dispose();
      // tf.tidy keeps the tensors reachable from the returned object, as it does for any container.
      const dist = tf.tidy(() => fn(features, { validateArgs }) as unknown as tf.TensorContainer) as unknown as D;
      if (!(dist instanceof Distribution)) {
        throw new TypeError(`${label}.apply: fn must return a Distribution, got ${dist === null ? 'null' : typeof dist}`);
      }
      const created = reachableTensors(dist).filter((t) => t.id > firstId && t !== features);
      ownTensors(dist, created);
      if (event !== undefined && (dist.eventShape.length !== event.length || dist.eventShape.some((d, i) => d !== event[i]))) {
        dist.dispose();
        throw new RangeError(`${label}.apply: fn returned a distribution with event shape ${fmtShape(dist.eventShape)} but the head declares ${fmtShape(event)}`);
      }
      return dist;
    },
  };
}
