import * as tf from '@tensorflow/tfjs-core';
import type { PathKey } from './types.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `['layers', 1, 'w']` -> `layers[1].w`; keys that are not identifiers are quoted: `["a-b"]`. */
export function formatPath(keys: readonly PathKey[]): string {
  let out = '';
  for (const k of keys) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (IDENTIFIER.test(k)) out += out === '' ? k : `.${k}`;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out;
}

/** The path for an error message: `<root>` for the empty path. */
export function pathForError(keys: readonly PathKey[]): string {
  return keys.length === 0 ? '<root>' : formatPath(keys);
}

/** A short description of a value for error messages. */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (x instanceof tf.Tensor) return `a ${x.dtype} tensor of shape [${x.shape.join(', ')}]`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name} (wrap it with tf.tensor)`;
  const t = typeof x;
  if (t === 'object') {
    const proto: unknown = Object.getPrototypeOf(x);
    if (proto === Object.prototype || proto === null) {
      return `an object with keys [${Object.keys(x as object).sort().join(', ')}]`;
    }
    const name = (x as { constructor?: { name?: string } }).constructor?.name;
    return `an instance of ${name ?? 'a class'}`;
  }
  if (t === 'string') return `a string (${JSON.stringify(x).slice(0, 40)})`;
  return `a ${t}`;
}
