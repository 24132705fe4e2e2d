/**
 * What the text loaders accept: a whole string or byte buffer, a web `ReadableStream` of bytes
 * (`fetch(...).body`, `File.stream()`), or any async iterable of byte or string chunks (a Node
 * `fs.createReadStream`). Bytes are decoded as UTF-8, across chunk boundaries.
 */
export type TextInput =
  | string
  | Uint8Array
  | ArrayBuffer
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>;

function isReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof x === 'object' && x !== null && typeof (x as ReadableStream).getReader === 'function';
}

/** @internal Yield the input as decoded string chunks, never holding more than one chunk. */
export async function* textChunks(input: TextInput, argName: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  if (typeof input === 'string') {
    yield input;
    return;
  }
  if (input instanceof ArrayBuffer) input = new Uint8Array(input);
  if (input instanceof Uint8Array) {
    yield decoder.decode(input);
    return;
  }
  const decode = (c: unknown): string => {
    if (typeof c === 'string') return c;
    if (c instanceof Uint8Array) return decoder.decode(c, { stream: true });
    throw new Error(`${argName}: a chunk is ${Object.prototype.toString.call(c)}, expected Uint8Array or string`);
  };
  if (isReadableStream(input)) {
    const reader = input.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield decode(value);
      }
    } finally {
      reader.releaseLock();
    }
  } else if (typeof input === 'object' && input !== null && (Symbol.asyncIterator in input || Symbol.iterator in input)) {
    for await (const c of input as AsyncIterable<unknown>) yield decode(c);
  } else {
    throw new Error(`${argName}: expected a string, Uint8Array, ArrayBuffer, ReadableStream or (async) iterable of chunks`);
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/**
 * Read a whole file into bytes, in Node only (loads `node:fs/promises` on demand, so bundles for
 * browsers do not pull it in). In a browser use `fetch(url).then((r) => r.arrayBuffer())` instead.
 *
 * @param path - the file path.
 */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  const buf = await fs.readFile(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
