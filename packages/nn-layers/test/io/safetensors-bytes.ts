// Hand-built safetensors bytes, as another tool would write them, independent of src/io.

/** One tensor entry for {@link buildFile}: the header fields and its data bytes. */
export interface HandTensor {
  name: string;
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

/**
 * A safetensors file: u64 LE header length, JSON header (padded to `pad` bytes with spaces when
 * given; unpadded otherwise), then the data of `tensors` in the order given. `headerOrder` lists
 * the names in the order they appear in the JSON (default: as given). `override` replaces header
 * fields (to build broken files).
 */
export function buildFile(
  tensors: HandTensor[],
  opts: { metadata?: Record<string, string>; headerOrder?: string[]; pad?: number; override?: Record<string, unknown> } = {},
): Uint8Array {
  const entries: Record<string, string> = {};
  let offset = 0;
  for (const t of tensors) {
    entries[t.name] = JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] });
    offset += t.bytes.length;
  }
  for (const [k, v] of Object.entries(opts.override ?? {})) entries[k] = JSON.stringify(v);
  const parts: string[] = [];
  if (opts.metadata) parts.push(`"__metadata__":${JSON.stringify(opts.metadata)}`);
  for (const name of opts.headerOrder ?? Object.keys(entries)) parts.push(`${JSON.stringify(name)}:${entries[name]}`);
  let json = `{${parts.join(',')}}`;
  if (opts.pad !== undefined) json = json.padEnd(Math.ceil(json.length / opts.pad) * opts.pad, ' ');
  return withHeaderText(json, concat(tensors.map((t) => t.bytes)));
}

/** The file with header text `json` (as UTF-8) and data buffer `data`. */
export function withHeaderText(json: string | Uint8Array, data: Uint8Array): Uint8Array {
  const header = typeof json === 'string' ? new TextEncoder().encode(json) : json;
  const out = new Uint8Array(8 + header.length + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, header.length, true); // low half of the u64
  dv.setUint32(4, 0, true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Little-endian bytes written element by element through a DataView. */
export function leBytes(kind: 'f32' | 'f64' | 'i32' | 'i64' | 'u16' | 'u8', values: number[]): Uint8Array {
  const size = { f32: 4, f64: 8, i32: 4, i64: 8, u16: 2, u8: 1 }[kind];
  const out = new Uint8Array(values.length * size);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    const at = i * size;
    if (kind === 'f32') dv.setFloat32(at, v, true);
    else if (kind === 'f64') dv.setFloat64(at, v, true);
    else if (kind === 'i32') dv.setInt32(at, v, true);
    else if (kind === 'i64') dv.setBigInt64(at, BigInt(v), true);
    else if (kind === 'u16') dv.setUint16(at, v, true);
    else dv.setUint8(at, v);
  });
  return out;
}

/** Parses a file's header by hand: the length prefix, the raw header text and the JSON. */
export function parseHeader(bytes: Uint8Array): { n: number; text: string; header: Record<string, unknown>; dataStart: number } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = dv.getUint32(0, true);
  const hi = dv.getUint32(4, true);
  if (hi !== 0) throw new Error('header length above 2^32');
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + lo));
  return { n: lo, text, header: JSON.parse(text) as Record<string, unknown>, dataStart: 8 + lo };
}
