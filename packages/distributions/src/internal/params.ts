import * as tf from '@tensorflow/tfjs-core';

/** Nested arrays of numbers (rectangular, row-major). */
export type NumberArray = number | readonly NumberArray[];

/** A distribution parameter or a value: a number, a nested array, a typed array or a tensor. */
export type TensorInput = number | readonly NumberArray[] | Float32Array | Float64Array | Int32Array | tf.Tensor;

/** A parameter converted for a distribution: the float32 tensor, and its host values when it came from the host. */
export interface ConvertedParam {
  readonly tensor: tf.Tensor;
  /** Row-major float64 values when the caller passed numbers (validation reads these without a readback). */
  readonly host: Float64Array | undefined;
  /** Whether the distribution created `tensor` (and so disposes it). */
  readonly owned: boolean;
}

/** Whether x is a tfjs tensor. */
export function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

/** Reads numbers / nested arrays / typed arrays into float64 values and a shape; throws naming the argument. */
export function hostValues(family: string, arg: string, x: unknown): { values: Float64Array; shape: number[] } {
  if (typeof x === 'number') return { values: Float64Array.of(x), shape: [] };
  if (x instanceof Float32Array || x instanceof Float64Array || x instanceof Int32Array) {
    return { values: Float64Array.from(x), shape: [x.length] };
  }
  if (!Array.isArray(x)) {
    throw new TypeError(`${family}: argument '${arg}' must be a number, an array of numbers or a tensor, got ${x === null ? 'null' : typeof x}`);
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
      if (typeof v !== 'number') throw new TypeError(`${family}: argument '${arg}' must hold only numbers, found ${typeof v}`);
      values[pos++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new RangeError(`${family}: argument '${arg}' is not a rectangular array (expected shape [${shape.join(', ')}])`);
    }
    for (const e of v) walk(e, depth + 1);
  };
  walk(x, 0);
  return { values, shape };
}

/**
 * Converts a parameter to float32. A tensor is used as it is (cast when it is not float32), so
 * gradients flow through it and the caller keeps ownership; host numbers are uploaded and owned.
 */
export function convertParam(family: string, arg: string, x: TensorInput | undefined): ConvertedParam {
  if (x === undefined) throw new TypeError(`${family}: argument '${arg}' is required`);
  if (isTensor(x)) {
    if (x.isDisposed) throw new Error(`${family}: argument '${arg}' is a disposed tensor`);
    if (x.dtype === 'float32') return { tensor: x, host: undefined, owned: false };
    if (x.dtype === 'string' || x.dtype === 'complex64') throw new TypeError(`${family}: argument '${arg}' must be numeric, got dtype ${x.dtype}`);
    return { tensor: tf.cast(x, 'float32'), host: undefined, owned: true };
  }
  const h = hostValues(family, arg, x);
  return { tensor: tf.tensor(Float32Array.from(h.values), h.shape, 'float32'), host: h.values, owned: true };
}

/** A value (x for logProb, p for icdf) as a float32 tensor; inside a tidy, the conversion is freed with it. */
export function toValue(family: string, arg: string, x: TensorInput): tf.Tensor {
  if (isTensor(x)) {
    if (x.isDisposed) throw new Error(`${family}: argument '${arg}' is a disposed tensor`);
    return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
  }
  const h = hostValues(family, arg, x);
  return tf.tensor(Float32Array.from(h.values), h.shape, 'float32');
}

/** numpy broadcasting of named shapes; the error names the arguments that disagree. */
export function broadcastShapes(family: string, shapes: Record<string, readonly number[]>): number[] {
  let out: number[] = [];
  let outFrom = '';
  for (const [name, s] of Object.entries(shapes)) {
    const rank = Math.max(out.length, s.length);
    const next: number[] = [];
    for (let i = 0; i < rank; i++) {
      const a = out[out.length - rank + i] ?? 1;
      const b = s[s.length - rank + i] ?? 1;
      if (a !== b && a !== 1 && b !== 1) {
        throw new RangeError(
          `${family}: shapes of ${outFrom ? `'${outFrom}' [${out.join(', ')}]` : 'earlier arguments'} and '${name}' [${s.join(', ')}] do not broadcast`,
        );
      }
      next.push(a === 1 ? b : a);
    }
    out = next;
    outFrom = outFrom ? `${outFrom}', '${name}` : name;
  }
  return out;
}

/** A sample shape argument (a count or a shape) as a shape; throws naming it when invalid. */
export function normalizeSampleShape(family: string, sampleShape: number | readonly number[] | undefined): number[] {
  const s = sampleShape === undefined ? [] : typeof sampleShape === 'number' ? [sampleShape] : [...sampleShape];
  for (const d of s) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`${family}.sample: sampleShape must hold non-negative integers, got [${s.join(', ')}]`);
  }
  return s;
}

/** The last `n` dimensions of a shape, with an error naming the argument when its rank is too small. */
export function trailingShape(family: string, arg: string, shape: readonly number[], n: number): number[] {
  if (shape.length < n) throw new RangeError(`${family}: argument '${arg}' must have rank >= ${n}, got shape [${shape.join(', ')}]`);
  return shape.slice(shape.length - n);
}

/** Shape without its last `n` dimensions. */
export function leadingShape(shape: readonly number[], n: number): number[] {
  return shape.slice(0, shape.length - n);
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws the RangeError of `family.logProb` unless x has shape [..., k] (a vector event of size k). */
export function checkVectorEvent(family: string, x: tf.Tensor, k: number): void {
  if (x.rank < 1 || x.shape[x.rank - 1] !== k) {
    throw new RangeError(`${family}.logProb: argument 'x' must have shape [..., ${k}], got [${x.shape.join(', ')}]`);
  }
}
