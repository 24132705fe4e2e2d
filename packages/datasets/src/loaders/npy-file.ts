import type * as tf from '@tensorflow/tfjs-core';
import { foldIn, random, type PRNGKey } from '@probdl/tensor-backend';
import { minibatchesFromChunks } from '../batching/chunks.js';
import type { Minibatch } from '../batching/minibatches.js';
import { DTYPES } from './npy-dtypes.js';
import { npyPreludeLength, parseNpyHeader, readElements, type NpyHeader } from './npy.js';
import { npyToTensor } from './npy-tensor.js';

/** Options of {@link npyFileChunks}. */
export interface NpyFileChunkOptions {
  /** Rows per read (and per yielded chunk), a positive integer. Default 8192. */
  chunkRows?: number;
  /** With a key, the chunks are read in the order `permutation(key, chunks)`; without, in file order. */
  key?: PRNGKey;
  /** Called before every read of the file with its size and position in bytes (for instrumentation). */
  onRead?: (bytes: number, position: number) => void;
}

type FileHandle = Awaited<ReturnType<typeof import('node:fs/promises').open>>;

async function readAt(fh: FileHandle, buf: Uint8Array, length: number, position: number, path: string, onRead?: (b: number, p: number) => void): Promise<void> {
  onRead?.(length, position);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) throw new Error(`${path}: truncated data: needed ${length} bytes at byte ${position}, the file ends after ${got}`);
    got += bytesRead;
  }
}

/** Reads and checks a `.npy` header from an open file; the data must be C order with at least one dimension. */
async function fileHeader(fh: FileHandle, path: string, onRead?: (b: number, p: number) => void): Promise<NpyHeader & { rowBytes: number; rows: number }> {
  const { size } = await fh.stat();
  const pre = new Uint8Array(Math.min(12, size));
  await readAt(fh, pre, pre.length, 0, path, onRead);
  const { start, headerLen } = npyPreludeLength(pre, path);
  if (start + headerLen > size) throw new Error(`${path}: truncated header (needs ${headerLen} bytes)`);
  const head = new Uint8Array(start + headerLen);
  await readAt(fh, head, head.length, 0, path, onRead);
  const h = parseNpyHeader(head, path);
  if (h.shape.length === 0) throw new Error(`${path}: a 0-d array has no rows to stream`);
  if (h.fortranOrder && h.shape.length > 1) throw new Error(`${path}: Fortran-order data cannot be streamed by rows; save it in C order (np.ascontiguousarray)`);
  const rows = h.shape[0]!;
  const rowBytes = h.shape.slice(1).reduce((a, d) => a * d, 1) * DTYPES[h.dtype].size;
  if (size - h.dataStart < rows * rowBytes) {
    throw new Error(`${path}: truncated data: shape [${h.shape.join(', ')}] of ${h.descr} needs ${rows * rowBytes} bytes, the file has ${size - h.dataStart}`);
  }
  return { ...h, rowBytes, rows };
}

/**
 * Streams a `.npy` file from disk in chunks of rows, never holding more than one chunk of its bytes:
 * the file is opened with `node:fs/promises` and read at offsets into one reused buffer of
 * `chunkRows × rowBytes` bytes. Each chunk is a fresh tensor `[rows, ...shape.slice(1)]` (float dtypes
 * as float32, integers as int32, bool as bool, as {@link npyToTensor}) that the caller owns. Node only.
 *
 * @param path - the `.npy` file (C order).
 * @throws Error naming the file for a malformed header, Fortran order, or truncated data.
 */
export async function* npyFileChunks(path: string, options: NpyFileChunkOptions = {}): AsyncGenerator<tf.Tensor, void, undefined> {
  const chunkRows = options.chunkRows ?? 8192;
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new RangeError(`npyFileChunks: options.chunkRows must be a positive integer, got ${String(chunkRows)}`);
  const fs = await import('node:fs/promises');
  const fh = await fs.open(path, 'r');
  try {
    const h = await fileHeader(fh, path, options.onRead);
    const chunks = Math.ceil(h.rows / chunkRows);
    const order = options.key === undefined ? Int32Array.from({ length: chunks }, (_, i) => i) : random.permutationIndices(options.key, chunks);
    const buf = new Uint8Array(Math.max(1, Math.min(chunkRows, h.rows) * h.rowBytes));
    const view = new DataView(buf.buffer);
    const per = h.rowBytes / DTYPES[h.dtype].size;
    for (const c of order) {
      const first = c * chunkRows;
      const rows = Math.min(chunkRows, h.rows - first);
      const bytes = rows * h.rowBytes;
      await readAt(fh, buf, bytes, h.dataStart + first * h.rowBytes, path, options.onRead);
      const data = readElements(view, 0, rows * per, h.dtype, h.littleEndian, `${path} rows ${first}..${first + rows - 1}`);
      yield npyToTensor({ dtype: h.dtype, shape: [rows, ...h.shape.slice(1)], fortranOrder: false, data }, path);
    }
  } finally {
    await fh.close();
  }
}

/** Options of {@link npyFileMinibatches}. */
export interface NpyFileMinibatchOptions {
  /** Rows per batch, a positive integer. */
  batchSize: number;
  /** Passes over the file. Default 1. */
  epochs?: number;
  /** Rows per read from disk. Default 8192. */
  chunkRows?: number;
  /** Rows held in the shuffle buffer, at least `batchSize`. Default `10 × batchSize`. */
  bufferSize?: number;
  /** Drop each epoch's last batch when smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** Shuffle (chunk order and the buffer, from the key). Default true. */
  shuffle?: boolean;
  /** Called before every read of the file with its size and position in bytes. */
  onRead?: (bytes: number, position: number) => void;
}

/**
 * Seeded minibatches streamed from a `.npy` file larger than memory. Epoch `e` reads the chunks in
 * the order `permutation(foldIn(foldIn(key, e), 0), chunks)` and rebatches them through
 * {@link minibatchesFromChunks} with a shuffle buffer keyed by `foldIn(foldIn(key, e), 1)`, so every
 * row is seen exactly once per epoch, in a new order each epoch, while at most one chunk of file bytes
 * and `bufferSize + chunkRows` rows are held. Each `batch` is a fresh tensor the caller disposes; chunk
 * tensors are disposed here. Node only.
 *
 * @param path - the `.npy` file (C order); rows are its first axis.
 */
export function npyFileMinibatches(path: string, key: PRNGKey, options: NpyFileMinibatchOptions): AsyncGenerator<Minibatch<tf.Tensor>, void, undefined> {
  const { batchSize, epochs = 1, shuffle = true } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`npyFileMinibatches: options.batchSize must be a positive integer, got ${String(batchSize)}`);
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`npyFileMinibatches: options.epochs must be a non-negative integer, got ${String(epochs)}`);
  return (async function* () {
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const ke = foldIn(key, epoch);
      const chunks = npyFileChunks(path, { chunkRows: options.chunkRows, key: shuffle ? foldIn(ke, 0) : undefined, onRead: options.onRead });
      const owned = (async function* () {
        for await (const c of chunks) {
          try {
            yield c;
          } finally {
            c.dispose();
          }
        }
      })();
      const batches = minibatchesFromChunks(owned, { batchSize, key: shuffle ? foldIn(ke, 1) : undefined, bufferSize: options.bufferSize, dropLast: options.dropLast });
      for await (const { batch } of batches) yield { epoch, step: step++, batch };
    }
  })();
}
