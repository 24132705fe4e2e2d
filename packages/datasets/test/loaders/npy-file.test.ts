import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key } from '@probdl/tensor-backend';
import { npyFileChunks, npyFileMinibatches, writeNpy } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'npy-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 5,000 rows × 3 float32 columns: column 0 is the row id, so every row can be traced.
const ROWS = 5000;
const data = new Float32Array(ROWS * 3);
for (let i = 0; i < ROWS; i++) data.set([i, i * 0.5, -i], i * 3);
const path = join(dir, 'big.npy');
writeFileSync(path, writeNpy(data, [ROWS, 3], 'float32'));
const CHUNK_ROWS = 300; // 3,600 bytes per read against a 60,128-byte file
const CHUNK_BYTES = CHUNK_ROWS * 12;

describe('npyFileChunks', () => {
  it('reads the file at offsets in chunks, never more than one chunk at a time', async () => {
    const reads: number[] = [];
    const seen: number[] = [];
    for await (const chunk of npyFileChunks(path, { chunkRows: CHUNK_ROWS, onRead: (b) => reads.push(b) })) {
      expect(chunk.shape[1]).toBe(3);
      const v = await chunk.data();
      for (let r = 0; r < chunk.shape[0]!; r++) seen.push(v[r * 3]!);
      chunk.dispose();
    }
    expect(seen).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    expect(Math.max(...reads)).toBeLessThanOrEqual(CHUNK_BYTES);
    expect(statSync(path).size).toBeGreaterThan(10 * CHUNK_BYTES);
    // Header reads (12 bytes, then the header) plus ceil(5000 / 300) = 17 data reads.
    expect(reads.length).toBe(2 + Math.ceil(ROWS / CHUNK_ROWS));
  });

  it('names the file for bad input', async () => {
    const bad = join(dir, 'bad.npy');
    writeFileSync(bad, writeNpy(data, [ROWS, 3], 'float32').subarray(0, 1000));
    await expect(async () => {
      for await (const c of npyFileChunks(bad)) c.dispose();
    }).rejects.toThrow(/bad.npy: truncated data: shape \[5000, 3\] of <f4 needs 60000 bytes, the file has 872/);
    await expect(npyFileChunks(path, { chunkRows: 0 }).next()).rejects.toThrow(/chunkRows must be a positive integer, got 0/);
  });
});

describe('npyFileMinibatches', () => {
  it('sees every row exactly once per epoch, in a new order each epoch, with bounded reads', async () => {
    const reads: number[] = [];
    const epochs: number[][] = [[], [], []];
    let sizesOk = true;
    for await (const { epoch, batch } of npyFileMinibatches(path, key(4), { batchSize: 128, epochs: 3, chunkRows: CHUNK_ROWS, bufferSize: 1024, onRead: (b) => reads.push(b) })) {
      if (batch.shape[0]! > 128) sizesOk = false;
      const v = await batch.data();
      for (let r = 0; r < batch.shape[0]!; r++) epochs[epoch]!.push(v[r * 3]!);
      batch.dispose();
    }
    expect(sizesOk).toBe(true);
    expect(Math.max(...reads)).toBeLessThanOrEqual(CHUNK_BYTES);
    for (const ids of epochs) {
      expect(ids.length).toBe(ROWS);
      expect(new Set(ids).size).toBe(ROWS);
      expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    }
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(epochs[1]).not.toEqual(epochs[2]);
    // Shuffled: far from file order.
    let inPlace = 0;
    epochs[0]!.forEach((id, i) => (inPlace += id === i ? 1 : 0));
    expect(inPlace).toBeLessThan(50);
  });

  it('is deterministic in the key; shuffle: false keeps file order; dropLast drops the short batch', async () => {
    const collect = async (o: { shuffle?: boolean; dropLast?: boolean }, k = 1): Promise<number[]> => {
      const ids: number[] = [];
      for await (const { batch } of npyFileMinibatches(path, key(k), { batchSize: 512, chunkRows: 700, ...o })) {
        const v = await batch.data();
        for (let r = 0; r < batch.shape[0]!; r++) ids.push(v[r * 3]!);
        batch.dispose();
      }
      return ids;
    };
    expect(await collect({})).toEqual(await collect({}));
    expect(await collect({})).not.toEqual(await collect({}, 2));
    expect(await collect({ shuffle: false })).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    expect((await collect({ dropLast: true })).length).toBe(4608);
  });

  it('leaks no tensors over many epochs, nor when the loop stops early', async () => {
    await expectNoLeaks(async () => {
      for await (const { batch } of npyFileMinibatches(path, key(0), { batchSize: 256, epochs: 5, chunkRows: 1000 })) batch.dispose();
    });
    await expectNoLeaks(async () => {
      for await (const { step, batch } of npyFileMinibatches(path, key(0), { batchSize: 256, epochs: 2, chunkRows: 1000 })) {
        batch.dispose();
        if (step === 7) break;
      }
    });
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});
