import { MAX_WORDS } from './threefry.js';

/** A tensor shape: non-negative integer dimensions, row-major. `[]` is a scalar. */
export type Shape = readonly number[];

/** Checks that `shape` is an array of non-negative safe integers and returns a copy with its size. */
export function checkShape(fn: string, shape: unknown, argName = 'shape'): { shape: number[]; size: number } {
  if (typeof shape === 'number') shape = [shape];
  if (!Array.isArray(shape)) throw new TypeError(`${fn}: ${argName} must be an array of non-negative integers, got ${describe(shape)}`);
  let size = 1;
  const out: number[] = [];
  for (const d of shape as unknown[]) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new TypeError(`${fn}: ${argName} must be an array of non-negative integers, got [${(shape as unknown[]).map(String).join(', ')}]`);
    }
    out.push(d);
    size *= d;
  }
  if (size > MAX_WORDS) throw new RangeError(`${fn}: ${argName} [${out.join(', ')}] has ${size} elements; at most ${MAX_WORDS} are supported`);
  return { shape: out, size };
}

/** numpy broadcasting of two shapes; throws naming both shapes when they do not broadcast. */
export function broadcastShapes(fn: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`${fn}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * The sample shape of a parametrised sampler, as JAX's `_check_shape` decides it: with no `shape`,
 * the broadcast of the parameter shapes; with one, the parameters must broadcast *to* it.
 */
export function sampleShape(fn: string, shape: unknown, paramShapes: Record<string, Shape>): number[] {
  const names = Object.keys(paramShapes);
  if (shape === undefined || shape === null) {
    let out: number[] = [];
    for (const n of names) out = broadcastShapes(fn, out, paramShapes[n]!);
    return checkShape(fn, out).shape;
  }
  const s = checkShape(fn, shape).shape;
  for (const n of names) {
    const p = paramShapes[n]!;
    const off = s.length - p.length;
    if (off < 0 || p.some((d, i) => d !== 1 && d !== s[off + i])) {
      throw new RangeError(`${fn}: ${n} of shape [${p.join(', ')}] does not broadcast to shape [${s.join(', ')}]`);
    }
  }
  return s;
}

/**
 * For each flat (row-major) index of `outShape`, the flat index of the element of a parameter of
 * shape `paramShape` that broadcasts onto it. Returns undefined when the parameter has one element.
 */
export function broadcastIndex(paramShape: Shape, outShape: Shape): Uint32Array | undefined {
  const psize = paramShape.reduce((a, b) => a * b, 1);
  if (psize === 1) return undefined;
  const rank = outShape.length;
  const size = outShape.reduce((a, b) => a * b, 1);
  // Strides of the parameter aligned to the output's trailing axes; 0 where it broadcasts.
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = paramShape.length - 1; i >= 0; i--) {
    const axis = rank - paramShape.length + i;
    if (paramShape[i] !== 1) strides[axis] = stride;
    stride *= paramShape[i]!;
  }
  const out = new Uint32Array(size);
  const counter = new Array<number>(rank).fill(0);
  let p = 0;
  for (let i = 0; i < size; i++) {
    out[i] = p;
    // Odometer increment over the output shape, keeping p in step.
    for (let ax = rank - 1; ax >= 0; ax--) {
      counter[ax]!++;
      p += strides[ax]!;
      if (counter[ax]! < outShape[ax]!) break;
      p -= strides[ax]! * outShape[ax]!;
      counter[ax] = 0;
    }
  }
  return out;
}

function describe(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x);
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return Object.prototype.toString.call(x);
  return String(x);
}
