import * as tf from '@tensorflow/tfjs-core';

/**
 * Turns a state tree (plain objects, arrays, numbers, strings, booleans, null, typed arrays and
 * tensors) into JSON-safe values, exactly: tensors become `{ $tensor: { dtype, shape, values } }`,
 * typed arrays `{ $typed: name, values }`, and non-finite numbers `{ $number: 'NaN' | 'Infinity' |
 * '-Infinity' }`. Doubles survive JSON's shortest round-trip printing bit for bit.
 */
export async function serializeTree(x: unknown): Promise<unknown> {
  if (x === undefined) return { $undefined: true };
  if (x === null || typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number') return Number.isFinite(x) ? x : { $number: String(x) };
  if (typeof x === 'bigint') return { $bigint: x.toString() };
  if (x instanceof tf.Tensor) {
    const values = Array.from(await x.data(), (v) => numberOut(Number(v)));
    return { $tensor: { dtype: x.dtype, shape: x.shape.slice(), values } };
  }
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    const name = x.constructor.name;
    if (!(name in TYPED)) throw new TypeError(`checkpoint: cannot serialise a ${name}`);
    return { $typed: name, values: Array.from(x as unknown as ArrayLike<number>, numberOut) };
  }
  if (Array.isArray(x)) return Promise.all(x.map(serializeTree));
  if (typeof x === 'object') {
    const proto = Object.getPrototypeOf(x) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`checkpoint: cannot serialise a ${(x as object).constructor?.name ?? 'object'}`);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = await serializeTree(v);
    return out;
  }
  throw new TypeError(`checkpoint: cannot serialise a ${typeof x}`);
}

const TYPED: Record<string, new (values: number[]) => ArrayLike<number>> = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
};

function numberOut(v: number): unknown {
  return Number.isFinite(v) ? v : { $number: String(v) };
}

function numberIn(v: unknown): number {
  if (typeof v === 'number') return v;
  const s = (v as { $number?: string } | null)?.$number;
  if (s === 'NaN' || s === 'Infinity' || s === '-Infinity') return Number(s);
  throw new TypeError(`checkpoint: expected a number, got ${JSON.stringify(v)}`);
}

/** The inverse of {@link serializeTree}; tensors are created fresh (the caller owns them). */
export function deserializeTree(x: unknown): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map(deserializeTree);
  const o = x as Record<string, unknown>;
  if ('$undefined' in o) return undefined;
  if ('$number' in o) return numberIn(o);
  if ('$bigint' in o) return BigInt(o.$bigint as string);
  if ('$tensor' in o) {
    const t = o.$tensor as { dtype: tf.DataType; shape: number[]; values: unknown[] };
    const values = t.values.map(numberIn);
    if (t.dtype === 'bool') return tf.tensor(Uint8Array.from(values), t.shape, 'bool');
    if (t.dtype === 'int32') return tf.tensor(Int32Array.from(values), t.shape, 'int32');
    return tf.tensor(Float32Array.from(values), t.shape, t.dtype);
  }
  if ('$typed' in o) {
    const Ctor = TYPED[o.$typed as string];
    if (Ctor === undefined) throw new TypeError(`checkpoint: unknown typed array ${String(o.$typed)}`);
    return new Ctor((o.values as unknown[]).map(numberIn));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = deserializeTree(v);
  return out;
}

/** Every tensor inside a tree (objects and arrays). */
export function tensorsIn(x: unknown, out: tf.Tensor[] = []): tf.Tensor[] {
  if (x instanceof tf.Tensor) out.push(x);
  else if (Array.isArray(x)) for (const v of x) tensorsIn(v, out);
  else if (x !== null && typeof x === 'object' && !ArrayBuffer.isView(x)) for (const v of Object.values(x)) tensorsIn(v, out);
  return out;
}

/** Disposes the tensors of `old` that `keep` does not hold (a state update may reuse tensors). */
export function disposeReplaced(old: unknown, keep: unknown): void {
  const kept = new Set(tensorsIn(keep).map((t) => t.id));
  for (const t of tensorsIn(old)) if (!kept.has(t.id) && !t.isDisposed) t.dispose();
}
