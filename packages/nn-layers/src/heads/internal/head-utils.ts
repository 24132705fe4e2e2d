import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@probdl/distributions';

/** `[a, b, c]` for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The product of the dimensions (1 for a scalar event). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Checks an event shape argument (an array of positive integers) and returns a copy. */
export function checkEventShape(fn: string, arg: string, eventShape: readonly number[] | number): number[] {
  const shape = typeof eventShape === 'number' ? [eventShape] : eventShape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${fn}: argument '${arg}' must be an array of positive integers, got ${JSON.stringify(eventShape)}`);
  }
  return [...shape];
}

/** Checks a count argument (a positive integer). */
export function checkCount(fn: string, arg: string, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${fn}: argument '${arg}' must be a positive integer, got ${String(n)}`);
  return n;
}

/** Checks a non-negative finite shift option. */
export function checkShift(fn: string, arg: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${fn}: option '${arg}' must be a non-negative finite number, got ${String(v)}`);
  return v;
}

/**
 * Checks a head's `features`: a float32 tensor of rank >= 1 whose last dimension is `paramsSize`.
 * Returns the batch shape (all but the last dimension).
 */
export function checkFeatures(label: string, features: tf.Tensor, paramsSize: number | undefined): number[] {
  if (!(features instanceof tf.Tensor)) throw new TypeError(`${label}.apply: features must be a tf.Tensor, got ${typeof features}`);
  if (features.isDisposed) throw new Error(`${label}.apply: features is a disposed tensor`);
  if (features.dtype !== 'float32') throw new TypeError(`${label}.apply: features must be float32, got dtype ${features.dtype}`);
  if (features.rank < 1) throw new RangeError(`${label}.apply: features must have a last axis of length paramsSize ${String(paramsSize)}, got a scalar`);
  const last = features.shape[features.rank - 1]!;
  if (paramsSize !== undefined && last !== paramsSize) {
    throw new RangeError(
      `${label}.apply: features has last dimension ${last} but the head expects paramsSize ${paramsSize} (features shape ${fmtShape(features.shape)})`,
    );
  }
  return features.shape.slice(0, -1);
}

/**
 * Makes `dist` own `tensors`: its `dispose()` frees them after its own (skipping any already freed),
 * so `const d = head.apply(f); ...; d.dispose()` leaks nothing. Combinators (Independent,
 * MixtureSameFamily) dispose their inner distributions, so tensors attached to an inner one are
 * freed by the outer `dispose()` too.
 */
export function ownTensors<D extends Distribution>(dist: D, tensors: readonly tf.Tensor[]): D {
  if (tensors.length === 0) return dist;
  const inner = dist.dispose.bind(dist);
  const owned = [...tensors];
  Object.defineProperty(dist, 'dispose', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: (): void => {
      inner();
      for (const t of owned) if (!t.isDisposed) t.dispose();
      owned.length = 0;
    },
  });
  return dist;
}

/**
 * Builds a distribution over freshly computed `tensors` and attaches them to it ({@link ownTensors});
 * frees them when construction throws (validateArgs on an invalid parameter).
 */
export function buildOwning<D extends Distribution>(tensors: readonly tf.Tensor[], build: () => D): D {
  let dist: D;
  try {
    dist = build();
  } catch (e) {
    tf.dispose([...tensors]);
    throw e;
  }
  return ownTensors(dist, tensors);
}

/** The validateArgs flag for one apply: the call's option, else the head's, else false. */
export function resolveValidate(headDefault: boolean | undefined, call: { readonly validateArgs?: boolean } | undefined): boolean {
  return call?.validateArgs ?? headDefault ?? false;
}
