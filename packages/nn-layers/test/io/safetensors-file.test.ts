import * as tf from '@tensorflow/tfjs-core';
import { tree } from '@probdl/tensor-backend';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadParams, paramsToSafetensors, saveParams } from '../../src/io/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'probdl-io-'));
});
afterEach(async () => {
  vi.doUnmock('node:fs/promises');
  vi.resetModules();
  await rm(dir, { recursive: true, force: true });
});

const bits = async (t: tf.Tensor): Promise<number[]> => Array.from(new Uint32Array((await t.data<'float32'>()).buffer));

describe('saveParams / loadParams', () => {
  it('round-trips through a file bit for bit and leaves no temporary file', async () => {
    const params = { Dense_0: { kernel: tf.tensor([[1, -0], [1e-40, -Infinity]]), bias: tf.tensor([0.1, 3]) }, steps: [tf.scalar(4, 'int32')] };
    const path = join(dir, 'params.safetensors');
    const start = tf.memory().numTensors;
    await saveParams(path, params, { metadata: { note: 'x' } });
    expect(await readdir(dir)).toEqual(['params.safetensors']);
    // The file holds exactly what paramsToSafetensors gives.
    expect(new Uint8Array(await readFile(path))).toEqual(await paramsToSafetensors(params, { metadata: { note: 'x' } }));
    const back = await loadParams(path, { like: params });
    expect(await readdir(dir)).toEqual(['params.safetensors']);
    expect(await bits(back.Dense_0.kernel)).toEqual(await bits(params.Dense_0.kernel));
    expect(await bits(back.Dense_0.bias)).toEqual(await bits(params.Dense_0.bias));
    expect(back.steps[0]!.dtype).toBe('int32');
    expect(Array.from(await back.steps[0]!.data())).toEqual([4]);
    tree.dispose(back);
    expect(tf.memory().numTensors).toBe(start);
    tree.dispose(params);
  });

  it('replaces an existing file', async () => {
    const path = join(dir, 'p.safetensors');
    const a = { w: tf.tensor([1, 2]) };
    const b = { w: tf.tensor([3, 4, 5]) };
    await saveParams(path, a);
    await saveParams(path, b);
    const back = (await loadParams(path)) as { w: tf.Tensor };
    expect(Array.from(await back.w.data())).toEqual([3, 4, 5]);
    expect(await readdir(dir)).toEqual(['p.safetensors']);
    tree.dispose([a, b, back]);
  });

  it('a write that fails half way leaves the old file intact and removes the temporary file', async () => {
    const path = join(dir, 'p.safetensors');
    const old = new TextEncoder().encode('the old file');
    await writeFile(path, old);
    vi.doMock('node:fs/promises', async (importOriginal) => {
      const fs = await importOriginal<typeof import('node:fs/promises')>();
      const open: typeof fs.open = async (...args) => {
        const handle = await fs.open(...args);
        // Write half the bytes, then fail as a full disk would.
        handle.writeFile = async (data: unknown) => {
          const bytes = data as Uint8Array;
          await handle.write(bytes.subarray(0, bytes.length >> 1));
          throw Object.assign(new Error('ENOSPC: no space left on device (injected)'), { code: 'ENOSPC' });
        };
        return handle;
      };
      return { ...fs, default: { ...fs, open }, open };
    });
    vi.resetModules();
    const io = await import('../../src/io/index.js');
    const params = { w: tf.ones([64]) };
    await expect(io.saveParams(path, params)).rejects.toThrow(/injected/);
    expect(new Uint8Array(await readFile(path))).toEqual(old);
    expect(await readdir(dir)).toEqual(['p.safetensors']);
    tf.dispose(params.w);
  });

  it('a failing rename leaves the old file intact and removes the temporary file', async () => {
    const path = join(dir, 'p.safetensors');
    await writeFile(path, 'old');
    vi.doMock('node:fs/promises', async (importOriginal) => {
      const fs = await importOriginal<typeof import('node:fs/promises')>();
      const rename = async () => {
        throw new Error('EXDEV (injected)');
      };
      return { ...fs, default: { ...fs, rename }, rename };
    });
    vi.resetModules();
    const io = await import('../../src/io/index.js');
    const params = { w: tf.ones([3]) };
    await expect(io.saveParams(path, params)).rejects.toThrow(/injected/);
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['p.safetensors']);
    tf.dispose(params.w);
  });

  it('an invalid tree fails before touching the file system', async () => {
    const path = join(dir, 'p.safetensors');
    await writeFile(path, 'old');
    const c = tf.complex([1], [1]);
    await expect(saveParams(path, { c })).rejects.toThrow(/complex64/);
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['p.safetensors']);
    await expect(loadParams(join(dir, 'missing.safetensors'))).rejects.toThrow(/ENOENT/);
    c.dispose();
  });
});
