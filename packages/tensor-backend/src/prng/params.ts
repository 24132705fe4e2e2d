import * as tf from '@tensorflow/tfjs-core';

/** Nested arrays of numbers (a rectangular array in row-major order). */
export type NumberArray = number | readonly NumberArray[];

/** A sampler parameter: a number, a (nested) array of numbers, or a tensor (which stays on its device). */
export type ParamLike = number | readonly NumberArray[] | tf.Tensor;

/** A parameter known on the host: float64 values (row-major) and a shape. */
export interface HostParam {
  readonly values: Float64Array;
  readonly shape: number[];
}

/** Whether x is a tfjs tensor. */
export function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

/** The shape of a parameter (tensor or host value) without reading a tensor's data. */
export function shapeOf(fn: string, name: string, x: ParamLike): number[] {
  return isTensor(x) ? x.shape.slice() : toHostParam(fn, name, x).shape;
}

/**
 * Reads a number or nested number array into a {@link HostParam}; throws naming the argument when the
 * value is not a number, not rectangular, or holds a non-number.
 */
export function toHostParam(fn: string, name: string, x: unknown): HostParam {
  if (typeof x === 'number') return { values: Float64Array.of(x), shape: [] };
  if (!Array.isArray(x)) {
    throw new TypeError(`${fn}: ${name} must be a number, an array of numbers or a tensor, got ${x === null ? 'null' : typeof x}`);
  }
  const shape: number[] = [];
  let level: unknown = x;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const values = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let pos = 0;
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw new TypeError(`${fn}: ${name} must hold only numbers, found ${typeof v}`);
      values[pos++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new RangeError(`${fn}: ${name} is not a rectangular array of shape [${shape.join(', ')}]`);
    }
    for (const e of v) walk(e, depth + 1);
  };
  walk(x, 0);
  return { values, shape };
}

/** A float32 tensor from a parameter (host values are uploaded; a tensor is cast, never disposed). */
export function toFloatTensor(x: ParamLike | HostParam): tf.Tensor {
  if (isTensor(x)) return x.dtype === 'float32' ? x.clone() : tf.cast(x, 'float32');
  if (isHostParam(x)) return tf.tensor(Float32Array.from(x.values), x.shape, 'float32');
  const h = toHostParam('toFloatTensor', 'value', x);
  return tf.tensor(Float32Array.from(h.values), h.shape, 'float32');
}

function isHostParam(x: unknown): x is HostParam {
  return typeof x === 'object' && x !== null && (x as HostParam).values instanceof Float64Array;
}

/** Throws unless every value of a host parameter satisfies `ok`, naming the argument and the value. */
export function requireValues(fn: string, name: string, p: HostParam, ok: (v: number) => boolean, what: string): void {
  for (let i = 0; i < p.values.length; i++) {
    const v = p.values[i]!;
    if (!ok(v)) {
      const where = p.shape.length === 0 ? '' : ` (flat index ${i})`;
      throw new RangeError(`${fn}: ${name} must be ${what}, got ${v}${where}`);
    }
  }
}
