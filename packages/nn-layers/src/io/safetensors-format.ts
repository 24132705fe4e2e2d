/**
 * The safetensors container (https://github.com/huggingface/safetensors), byte level only: an
 * 8-byte little-endian u64 header length N, N bytes of UTF-8 JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { string: string } }`
 * (padded with spaces so the data starts at a multiple of 8), then the data buffer; offsets are
 * relative to its start, tensors lie back to back with no holes or overlaps. No tensors here.
 */

/** One tensor as raw little-endian bytes. */
export interface RawTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/** Bytes per element of every dtype of the spec with a whole number of bytes. */
export const ITEM_SIZE: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
};

/** The metadata key safetensors reserves; never a tensor name. */
export const METADATA_KEY = '__metadata__';
/** The Rust reference refuses headers above 100 MB; so do we (a corrupt length must not allocate). */
const MAX_HEADER = 100_000_000;

const shapeStr = (s: readonly number[]): string => `[${s.join(', ')}]`;

/**
 * The safetensors bytes of `tensors`, stored in the order given (the caller orders them, e.g.
 * widest dtype first so every tensor is aligned to its item size), header keys in the same order.
 */
export function encodeSafetensors(tensors: readonly RawTensor[], metadata?: Readonly<Record<string, string>>): Uint8Array {
  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const t of tensors) {
    const end = offset + t.data.byteLength;
    // Built by hand: JSON.stringify of one object would move integer-like names ("0") first.
    parts.push(`${JSON.stringify(t.name)}:${JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + headerLen); // space padding
  let at = 8 + headerLen;
  for (const t of tensors) {
    out.set(t.data, at);
    at += t.data.byteLength;
  }
  return out;
}

/** A decoded file: tensors by name in header order (data are views into the input) and the metadata. */
export interface DecodedSafetensors {
  readonly tensors: ReadonlyMap<string, RawTensor>;
  readonly metadata: Readonly<Record<string, string>> | undefined;
}

/**
 * Parses and validates safetensors bytes: the length prefix and the header in range, the header
 * valid UTF-8 JSON, every entry with a known dtype, a shape of non-negative integers and offsets
 * whose length is `prod(shape) * itemSize`, the entries contiguous from 0 to the end of the buffer.
 * Errors start with `fn` and name the tensor.
 */
export function decodeSafetensors(bytes: Uint8Array, fn: string): DecodedSafetensors {
  const fail = (msg: string): never => {
    throw new Error(`${fn}: not a valid safetensors file: ${msg}`);
  };
  if (bytes.byteLength < 8) fail(`it has ${bytes.byteLength} bytes, fewer than the 8-byte header length prefix (truncated?)`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER)) fail(`the header length prefix says ${n} bytes (more than the 100 MB limit; corrupt?)`);
  const headerLen = Number(n);
  if (8 + headerLen > bytes.byteLength) {
    fail(`the header length prefix says ${headerLen} bytes but only ${bytes.byteLength - 8} follow it (truncated?)`);
  }
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
    if (!text.startsWith('{')) fail(`the header does not start with '{'`);
    header = JSON.parse(text);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(fn)) throw e;
    fail(`the header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');
  const data = bytes.subarray(8 + headerLen);
  let metadata: Record<string, string> | undefined;
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${METADATA_KEY} is not an object`);
      for (const [k, s] of Object.entries(v as object)) {
        if (typeof s !== 'string') fail(`${METADATA_KEY}.${k} is not a string`);
      }
      metadata = v as Record<string, string>;
      continue;
    }
    const bad = (msg: string): never => fail(`tensor ${JSON.stringify(name)}: ${msg}`);
    if (typeof v !== 'object' || v === null) bad('its entry is not an object');
    const { dtype, shape, data_offsets: off } = v as Record<string, unknown>;
    if (typeof dtype !== 'string' || ITEM_SIZE[dtype] === undefined) bad(`unknown dtype ${JSON.stringify(dtype)}`);
    const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
    if (!Array.isArray(shape) || !shape.every(isCount)) bad(`shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every(isCount)) bad(`data_offsets ${JSON.stringify(off)} is not [begin, end]`);
    const [begin, end] = off as [number, number];
    if (begin > end || end > data.byteLength) {
      bad(`data_offsets [${begin}, ${end}] out of range (the data buffer has ${data.byteLength} bytes)`);
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    const bytesWanted = size * ITEM_SIZE[dtype as string]!;
    if (!Number.isSafeInteger(bytesWanted) || bytesWanted !== end - begin) {
      bad(`shape ${shapeStr(shape as number[])} of ${dtype as string} needs ${bytesWanted} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
    }
    entries.push({ name, dtype: dtype as string, shape: shape as number[], begin, end });
  }
  // Contiguity, as the reference checks: sorted by offset, each starts where the previous ended.
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of byOffset) {
    if (e.begin !== at) {
      fail(`tensor ${JSON.stringify(e.name)} starts at byte ${e.begin} but the previous tensor ends at ${at} (${e.begin > at ? 'a hole' : 'an overlap'})`);
    }
    at = e.end;
  }
  if (at !== data.byteLength) fail(`the tensors end at byte ${at} of a ${data.byteLength}-byte data buffer (truncated or trailing bytes)`);
  const tensors = new Map<string, RawTensor>();
  for (const e of entries) tensors.set(e.name, { name: e.name, dtype: e.dtype, shape: e.shape, data: data.subarray(e.begin, e.end) });
  return { tensors, metadata };
}
