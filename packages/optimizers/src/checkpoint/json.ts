import * as tf from '@tensorflow/tfjs-core';
import { keyFromData, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import type { OptState } from '../types.js';

/** A JSON value (what `JSON.stringify` writes and `JSON.parse` reads back). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The format tag written at the top of every encoded tree. */
export const TREE_JSON_FORMAT = 'probdl-pytree';
const VERSION = 1;

type Path = (string | number)[];
const at = (p: Path): string => (p.length === 0 ? '<root>' : p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join(''));

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function isKey(x: unknown): x is PRNGKey {
  if (!isPlainObject(x)) return false;
  const keys = Object.keys(x);
  return keys.length === 2 && x.data instanceof Uint32Array && x.data.length === 2 && typeof x.partitionable === 'boolean';
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function bytesToBase64(bytes: Uint8Array): string {
  // btoa exists in browsers and in Node >= 16; chunks keep String.fromCharCode's argument list short.
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function base64ToBytes(b64: string, where: string): Uint8Array {
  let s: string;
  try {
    s = atob(b64);
  } catch {
    throw new Error(`treeFromJson: the data at ${where} is not base64`);
  }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * Little-endian bytes of tensor values (float32 and int32: 4 bytes each; bool: 1 byte each). The
 * bytes of a float32 array are copied as they are, so every bit (NaN payloads included) survives.
 */
function encodeValues(dtype: string, values: ArrayLike<number>): string {
  if (dtype === 'bool') return bytesToBase64(Uint8Array.from(values, (v) => (v ? 1 : 0)));
  if (LITTLE_ENDIAN && (values instanceof Float32Array || values instanceof Int32Array)) {
    return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (let i = 0; i < values.length; i++) {
    if (dtype === 'float32') view.setFloat32(i * 4, values[i]!, true);
    else view.setInt32(i * 4, values[i]!, true);
  }
  return bytesToBase64(new Uint8Array(view.buffer));
}

function decodeValues(dtype: string, b64: string, size: number, where: string): Float32Array | Int32Array | Uint8Array {
  const bytes = base64ToBytes(b64, where);
  const width = dtype === 'bool' ? 1 : 4;
  if (bytes.length !== size * width) throw new Error(`treeFromJson: ${where} holds ${bytes.length} bytes, expected ${size * width} for ${size} ${dtype} values`);
  if (dtype === 'bool') return bytes;
  if (LITTLE_ENDIAN) return dtype === 'float32' ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer);
  const view = new DataView(bytes.buffer);
  const out = dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
  for (let i = 0; i < size; i++) out[i] = dtype === 'float32' ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true);
  return out;
}

function encodeNumber(x: number): JsonValue {
  if (Number.isNaN(x)) return { $number: 'NaN' };
  if (x === Infinity) return { $number: 'Infinity' };
  if (x === -Infinity) return { $number: '-Infinity' };
  if (Object.is(x, -0)) return { $number: '-0' };
  return x; // JSON numbers print the shortest string that reads back to the same double
}

/**
 * A pytree (parameters, optimizer state) as JSON: tensors with dtype, shape and their values as
 * base64 of little-endian bytes (so float32 round-trips bit-exactly, NaN payloads aside), plain
 * numbers (NaN, ±Infinity and -0 included), PRNG keys, `null`/`undefined` and nested arrays and
 * objects. Supported dtypes: float32, int32, bool. Reads the tensors back (asynchronously, so it
 * works on WebGPU); disposes nothing.
 *
 * The result is `{ format: 'probdl-pytree', version: 1, tree }`; `JSON.stringify` it to save.
 */
export async function treeToJson(t: unknown): Promise<JsonValue> {
  // One pass builds the JSON with a slot per tensor; the values are read back together and filled in.
  const pending: { tensor: tf.Tensor; slot: { dtype: string; shape: number[]; data: string } }[] = [];
  const seen = new Set<unknown>();
  const encode = (x: unknown, path: Path): JsonValue => {
    if (x === null) return null;
    if (x === undefined) return { $undefined: true };
    if (typeof x === 'number') return encodeNumber(x);
    if (x instanceof tf.Tensor) {
      if (x.isDisposed) throw new Error(`treeToJson: the tensor at ${at(path)} is disposed`);
      if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') {
        throw new Error(`treeToJson: the tensor at ${at(path)} has dtype ${x.dtype}; only float32, int32 and bool are supported`);
      }
      const slot = { dtype: x.dtype as string, shape: [...x.shape], data: '' };
      pending.push({ tensor: x, slot });
      return { $tensor: slot };
    }
    if (typeof x !== 'object') throw new Error(`treeToJson: unsupported value at ${at(path)}: ${typeof x}`);
    if (seen.has(x)) throw new Error(`treeToJson: the tree contains a cycle at ${at(path)}`);
    seen.add(x);
    try {
      if (Array.isArray(x)) return x.map((c, i) => encode(c, [...path, i]));
      if (isKey(x)) return { $prngKey: { data: [x.data[0]!, x.data[1]!], partitionable: x.partitionable } };
      if (isPlainObject(x)) {
        const out: Record<string, JsonValue> = {};
        for (const k of Object.keys(x).sort()) if (x[k] !== undefined) out[k] = encode(x[k], [...path, k]);
        const ks = Object.keys(out);
        // An object with a single '$' key would read back as a tagged value: escape it.
        return ks.length === 1 && ks[0]!.startsWith('$') ? { $object: out } : out;
      }
    } finally {
      seen.delete(x);
    }
    throw new Error(`treeToJson: unsupported value at ${at(path)}: ${(x as object).constructor?.name ?? 'object'}`);
  };
  const encoded = encode(t, []);
  const values = await Promise.all(pending.map((p) => p.tensor.data()));
  pending.forEach((p, i) => {
    p.slot.data = encodeValues(p.slot.dtype, values[i] as ArrayLike<number>);
  });
  return { format: TREE_JSON_FORMAT, version: VERSION, tree: encoded };
}

/**
 * The pytree written by {@link treeToJson}, with fresh tensors that the caller owns. Accepts the
 * JSON value or its text. A malformed document is an error naming the path.
 */
export function treeFromJson<T = Tree>(json: JsonValue): T {
  const doc: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (!isPlainObject(doc) || doc.format !== TREE_JSON_FORMAT || !('tree' in doc)) {
    throw new Error(`treeFromJson: not a document written by treeToJson (expected { format: '${TREE_JSON_FORMAT}', version, tree })`);
  }
  if (doc.version !== VERSION) throw new Error(`treeFromJson: unsupported version ${String(doc.version)} (this reads version ${VERSION})`);
  const made: tf.Tensor[] = [];
  const decode = (x: unknown, path: Path): unknown => {
    if (x === null) return null;
    if (typeof x === 'number') return x;
    if (Array.isArray(x)) return x.map((c, i) => decode(c, [...path, i]));
    if (!isPlainObject(x)) throw new Error(`treeFromJson: unexpected ${typeof x} at ${at(path)}`);
    const ks = Object.keys(x);
    if (ks.length === 1 && ks[0]!.startsWith('$')) {
      const tag = ks[0]!;
      const v = x[tag];
      switch (tag) {
        case '$undefined':
          return undefined;
        case '$number': {
          const map: Record<string, number> = { NaN, Infinity, '-Infinity': -Infinity, '-0': -0 };
          if (typeof v !== 'string' || !(v in map)) throw new Error(`treeFromJson: bad $number at ${at(path)}: ${String(v)}`);
          return map[v];
        }
        case '$prngKey': {
          if (!isPlainObject(v) || !Array.isArray(v.data) || typeof v.partitionable !== 'boolean') throw new Error(`treeFromJson: bad $prngKey at ${at(path)}`);
          return keyFromData(v.data as number[], { partitionable: v.partitionable });
        }
        case '$object': {
          if (!isPlainObject(v)) throw new Error(`treeFromJson: bad $object at ${at(path)}`);
          const out: Record<string, unknown> = {};
          for (const k of Object.keys(v)) out[k] = decode(v[k], [...path, k]);
          return out;
        }
        case '$tensor': {
          if (!isPlainObject(v)) throw new Error(`treeFromJson: bad $tensor at ${at(path)}`);
          const { dtype, shape, data } = v;
          if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') throw new Error(`treeFromJson: unsupported dtype ${String(dtype)} at ${at(path)}`);
          if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) throw new Error(`treeFromJson: bad shape at ${at(path)}`);
          if (typeof data !== 'string') throw new Error(`treeFromJson: bad data at ${at(path)}`);
          const size = (shape as number[]).reduce((a, b) => a * b, 1);
          const values = decodeValues(dtype, data, size, at(path));
          const t = tf.tensor(values, shape as number[], dtype);
          made.push(t);
          return t;
        }
        default:
          throw new Error(`treeFromJson: unknown tag ${tag} at ${at(path)}`);
      }
    }
    const out: Record<string, unknown> = {};
    for (const k of ks) out[k] = decode(x[k], [...path, k]);
    return out;
  };
  try {
    return decode(doc.tree, []) as T;
  } catch (e) {
    made.forEach((t) => t.dispose());
    throw e;
  }
}

/** An optimizer state as JSON (see {@link treeToJson}); PRNG keys and plain numbers round-trip too. */
export function stateToJson(state: OptState): Promise<JsonValue> {
  return treeToJson(state);
}

/** The optimizer state written by {@link stateToJson}, with fresh tensors. */
export function stateFromJson<S extends OptState = OptState>(json: JsonValue): S {
  return treeFromJson<S>(json);
}

/** Parameters as JSON (see {@link treeToJson}). */
export function paramsToJson(params: Tree | object): Promise<JsonValue> {
  return treeToJson(params);
}

/** The parameters written by {@link paramsToJson}, with fresh tensors. */
export function paramsFromJson<P = Tree>(json: JsonValue): P {
  return treeFromJson<P>(json);
}
