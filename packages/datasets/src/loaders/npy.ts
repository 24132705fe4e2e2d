import { DTYPES, dtypeFromDescr, type NpyData, type NpyDtype } from './npy-dtypes.js';

/** One array read from a `.npy` file. `data` is always in C (row-major) order. */
export interface NpyArray {
  /** The dtype, see {@link NpyDtype} for the NumPy descr that each name stands for. */
  readonly dtype: NpyDtype;
  /** The shape; `[]` for a 0-d array (whose `data` has one element). */
  readonly shape: number[];
  /** Whether the file stored the data in Fortran order; `data` has been transposed to C order either way. */
  readonly fortranOrder: boolean;
  /** The elements in C order. */
  readonly data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function asBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

function parseHeader(text: string, where: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(text);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    throw new Error(`${where}: malformed header ${JSON.stringify(text.trim())} (need 'descr', 'fortran_order' and 'shape')`);
  }
  const dims = shape[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) throw new Error(`${where}: bad shape entry '${s}' in header`);
      return n;
    });
  return { descr: descr[1]!, fortranOrder: fortran[1] === 'True', shape: dims };
}

/** Reorder a Fortran-order flat array into C order. */
function fortranToC(src: NpyData, shape: readonly number[], out: NpyData): void {
  const nd = shape.length;
  const fStride = new Array<number>(nd);
  let s = 1;
  for (let k = 0; k < nd; k++) {
    fStride[k] = s;
    s *= shape[k]!;
  }
  const idx = new Array<number>(nd).fill(0);
  for (let c = 0; c < out.length; c++) {
    let f = 0;
    for (let k = 0; k < nd; k++) f += idx[k]! * fStride[k]!;
    out[c] = src[f]!;
    for (let k = nd - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
}

/** @internal Decodes `n` elements of `dtype` from `offset`. */
export function readElements(view: DataView, offset: number, n: number, dtype: NpyDtype, le: boolean, where: string): NpyData {
  const out = DTYPES[dtype].make(n);
  const size = DTYPES[dtype].size;
  for (let i = 0; i < n; i++) {
    const o = offset + i * size;
    let v: number;
    switch (dtype) {
      case 'float32': v = view.getFloat32(o, le); break;
      case 'float64': v = view.getFloat64(o, le); break;
      case 'int8': v = view.getInt8(o); break;
      case 'int16': v = view.getInt16(o, le); break;
      case 'int32': v = view.getInt32(o, le); break;
      case 'uint8': v = view.getUint8(o); break;
      case 'uint16': v = view.getUint16(o, le); break;
      case 'uint32': v = view.getUint32(o, le); break;
      case 'bool': {
        v = view.getUint8(o);
        if (v > 1) throw new Error(`${where}: element ${i} of a bool array is ${v}, not 0 or 1`);
        break;
      }
      case 'int64': {
        const big = view.getBigInt64(o, le);
        if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(-Number.MAX_SAFE_INTEGER)) {
          throw new Error(`${where}: int64 element ${i} = ${big} is beyond ±(2^53 - 1) and cannot be held exactly in float64`);
        }
        v = Number(big);
        break;
      }
    }
    out[i] = v;
  }
  return out;
}

/** @internal What the prelude and header of a `.npy` file say. */
export interface NpyHeader {
  readonly dtype: NpyDtype;
  readonly descr: string;
  readonly littleEndian: boolean;
  readonly shape: number[];
  readonly fortranOrder: boolean;
  /** Byte offset of the first data byte. */
  readonly dataStart: number;
}

/** @internal The number of bytes before the header text, and the header's length, from the first 12 bytes (or fewer for v1). */
export function npyPreludeLength(b: Uint8Array, name: string): { start: number; headerLen: number } {
  if (b.length < 10 || MAGIC.some((m, i) => b[i] !== m)) {
    throw new Error(`${name}: not a .npy file (the first 6 bytes are not \\x93NUMPY)`);
  }
  const major = b[6]!;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (major === 1) return { start: 10, headerLen: view.getUint16(8, true) };
  if (major === 2 || major === 3) {
    if (b.length < 12) throw new Error(`${name}: truncated header`);
    return { start: 12, headerLen: view.getUint32(8, true) };
  }
  throw new Error(`${name}: unsupported .npy format version ${major}.${b[7]} (supported: 1.0, 2.0, 3.0)`);
}

/** @internal Parses the prelude and header of a `.npy` file (the data need not be present). */
export function parseNpyHeader(b: Uint8Array, name: string): NpyHeader {
  const { start, headerLen } = npyPreludeLength(b, name);
  if (start + headerLen > b.length) throw new Error(`${name}: truncated header (needs ${headerLen} bytes)`);
  const headerBytes = b.subarray(start, start + headerLen);
  const text = b[6] === 3 ? new TextDecoder('utf-8').decode(headerBytes) : String.fromCharCode(...headerBytes);
  const { descr, fortranOrder, shape } = parseHeader(text, name);
  const { dtype, littleEndian } = dtypeFromDescr(descr, name);
  return { dtype, descr, littleEndian, shape, fortranOrder, dataStart: start + headerLen };
}

/**
 * Parse the bytes of a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0).
 *
 * Big-endian data is byte-swapped; Fortran-order data is transposed into C order (the
 * `fortranOrder` field reports what the file said). See {@link NpyDtype} for the dtypes read.
 *
 * @param bytes - the whole file.
 * @param name - a name for error messages (a file name, or the member name inside an .npz).
 * @throws Error naming the file and what is wrong: bad magic, unknown version, malformed header,
 *   unsupported dtype, or fewer data bytes than the shape needs.
 */
export function parseNpy(bytes: Uint8Array | ArrayBuffer, name = 'npy'): NpyArray {
  const b = asBytes(bytes);
  const { dtype, littleEndian, shape, fortranOrder, dataStart, descr } = parseNpyHeader(b, name);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = shape.reduce((a, d) => a * d, 1);
  const need = n * DTYPES[dtype].size;
  if (b.length - dataStart < need) {
    throw new Error(`${name}: truncated data: shape [${shape.join(', ')}] of ${descr} needs ${need} bytes, file has ${b.length - dataStart}`);
  }
  let data = readElements(view, dataStart, n, dtype, littleEndian, name);
  if (fortranOrder && shape.length > 1) {
    const c = DTYPES[dtype].make(n);
    fortranToC(data, shape, c);
    data = c;
  }
  return { dtype, shape, fortranOrder, data };
}

function pythonTuple(shape: readonly number[]): string {
  if (shape.length === 0) return '()';
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * Write an array as `.npy` bytes (version 1.0, or 2.0 when the header needs more than 65535 bytes),
 * little-endian, C order, with the header padded to a multiple of 64 bytes as NumPy does.
 *
 * @param array - the elements in C order; `int64` values must be safe integers, `bool` values 0 or 1.
 * @param shape - the shape; `[]` for a 0-d array of one element.
 * @param dtype - the dtype to write (see {@link NpyDtype}).
 * @throws Error if the element count does not match the shape, or a value does not fit the dtype.
 */
export function writeNpy(array: ArrayLike<number>, shape: readonly number[], dtype: NpyDtype): Uint8Array {
  const info = DTYPES[dtype] as (typeof DTYPES)[NpyDtype] | undefined;
  if (!info) throw new Error(`writeNpy: unknown dtype '${String(dtype)}'`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`writeNpy: bad shape [${shape.join(', ')}]`);
  }
  const n = shape.reduce((a, d) => a * d, 1);
  if (array.length !== n) throw new Error(`writeNpy: shape [${shape.join(', ')}] has ${n} elements, array has ${array.length}`);
  let header = `{'descr': '${info.descr}', 'fortran_order': False, 'shape': ${pythonTuple(shape)}, }`;
  let pre = 10;
  let total = Math.ceil((pre + header.length + 1) / 64) * 64;
  if (total - pre > 0xffff) {
    pre = 12;
    total = Math.ceil((pre + header.length + 1) / 64) * 64;
  }
  header = header.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total + n * info.size);
  out.set(MAGIC, 0);
  out[6] = pre === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (pre === 10) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  for (let i = 0; i < n; i++) {
    const v = array[i]!;
    const o = total + i * info.size;
    if (info.kind !== 'f' && !Number.isInteger(v)) throw new Error(`writeNpy: element ${i} = ${v} is not an integer (dtype ${dtype})`);
    switch (dtype) {
      case 'float32': view.setFloat32(o, v, true); break;
      case 'float64': view.setFloat64(o, v, true); break;
      case 'int64': {
        if (!Number.isSafeInteger(v)) throw new Error(`writeNpy: element ${i} = ${v} is not a safe integer (dtype int64)`);
        view.setBigInt64(o, BigInt(v), true);
        break;
      }
      default: {
        const bits = info.size * 8;
        const lo = info.kind === 'i' ? -(2 ** (bits - 1)) : 0;
        const hi = info.kind === 'b' ? 1 : info.kind === 'i' ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
        if (v < lo || v > hi) throw new Error(`writeNpy: element ${i} = ${v} is outside [${lo}, ${hi}] (dtype ${dtype})`);
        if (info.size === 1) view.setUint8(o, v & 0xff);
        else if (info.size === 2) view.setUint16(o, v & 0xffff, true);
        else view.setUint32(o, v >>> 0, true);
      }
    }
  }
  return out;
}
