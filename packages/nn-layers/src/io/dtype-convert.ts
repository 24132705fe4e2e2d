import type { RawTensor } from './safetensors-format.js';

/** The tfjs dtypes a file's tensors load as. */
export type LoadedDtype = 'float32' | 'int32' | 'bool';

/** Host values of one tensor, ready for `tf.tensor(values, shape, dtype)`. */
export interface HostTensor {
  readonly dtype: LoadedDtype;
  readonly shape: readonly number[];
  readonly values: Float32Array | Int32Array | Uint8Array;
}

/** The tfjs dtype each readable file dtype loads as (F64/F16/BF16 are converted to float32). */
export const LOADS_AS: Readonly<Record<string, LoadedDtype>> = {
  F32: 'float32', F64: 'float32', F16: 'float32', BF16: 'float32',
  I32: 'int32', I64: 'int32',
  BOOL: 'bool',
};

/** The file dtype each saved tfjs dtype is written as. */
export const SAVES_AS: Readonly<Record<string, string>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A copy of little-endian `bytes` in host order (an aligned buffer, so typed arrays can view it). */
function hostOrderCopy(bytes: Uint8Array, itemSize: number): ArrayBuffer {
  const copy = bytes.slice();
  if (!LITTLE_ENDIAN && itemSize > 1) {
    for (let i = 0; i < copy.length; i += itemSize) copy.subarray(i, i + itemSize).reverse();
  }
  return copy.buffer;
}

/** The little-endian bytes of `values` (a view on little-endian hosts, a swapped copy otherwise). */
export function littleEndianBytes(values: Float32Array | Int32Array | Uint8Array): Uint8Array {
  const view = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return LITTLE_ENDIAN || values.BYTES_PER_ELEMENT === 1 ? view : new Uint8Array(hostOrderCopy(view, values.BYTES_PER_ELEMENT));
}

/** IEEE half -> float (exact). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Host values of `t`. F32, I32 and BOOL are copied bit for bit (BOOL bytes normalised to 0/1);
 * F64 is rounded to the nearest float32 (overflow gives ±Infinity), F16 and BF16 widen exactly;
 * I64 narrows to int32 when every value fits, else an error names the tensor. Other dtypes are
 * refused naming the tensor. Errors start with `fn`.
 */
export function toHost(t: RawTensor, fn: string, path: string): HostTensor {
  const dtype = LOADS_AS[t.dtype];
  if (dtype === undefined) {
    throw new TypeError(`${fn}: ${path}: dtype ${t.dtype} is not supported (supported: ${Object.keys(LOADS_AS).join(', ')})`);
  }
  const dv = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const shape = t.shape;
  switch (t.dtype) {
    case 'F32':
      return { dtype, shape, values: new Float32Array(hostOrderCopy(t.data, 4)) };
    case 'I32':
      return { dtype, shape, values: new Int32Array(hostOrderCopy(t.data, 4)) };
    case 'BOOL':
      return { dtype, shape, values: t.data.map((b) => (b === 0 ? 0 : 1)) };
    case 'F64':
      return { dtype, shape, values: Float32Array.from({ length: dv.byteLength / 8 }, (_, i) => dv.getFloat64(8 * i, true)) };
    case 'F16':
      return { dtype, shape, values: Float32Array.from({ length: dv.byteLength / 2 }, (_, i) => halfToFloat(dv.getUint16(2 * i, true))) };
    case 'BF16': {
      const bits = Uint32Array.from({ length: dv.byteLength / 2 }, (_, i) => dv.getUint16(2 * i, true) << 16);
      return { dtype, shape, values: new Float32Array(bits.buffer) };
    }
    default: {
      // I64
      const out = new Int32Array(dv.byteLength / 8);
      for (let i = 0; i < out.length; i++) {
        const v = dv.getBigInt64(8 * i, true);
        if (v < -2147483648n || v > 2147483647n) {
          throw new RangeError(`${fn}: ${path}: I64 value ${v} at flat index ${i} does not fit in int32`);
        }
        out[i] = Number(v);
      }
      return { dtype, shape, values: out };
    }
  }
}
