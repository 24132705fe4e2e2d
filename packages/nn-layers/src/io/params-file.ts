import type { Tree } from '@probdl/tensor-backend';
import {
  paramsFromSafetensors,
  paramsToSafetensors,
  type SafetensorsLoadOptions,
  type SafetensorsSaveOptions,
} from './params-safetensors.js';

type Fs = typeof import('node:fs/promises');

/**
 * `node:fs/promises`, loaded on first use: a specifier bundlers do not follow, so the package still
 * imports in browsers (where only the file functions fail).
 */
async function nodeFs(fn: string): Promise<Fs> {
  const specifier = 'node:fs/promises';
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as Fs;
  } catch (e) {
    throw new Error(`${fn}: needs Node's node:fs/promises (${(e as Error).message}); in a browser use paramsToSafetensors / paramsFromSafetensors`);
  }
}

/**
 * Writes a params tree to a safetensors file at `path` ({@link paramsToSafetensors} explains the
 * layout and options). **Node only.**
 *
 * Atomic: the bytes go to a temporary file beside `path` (same directory, so the rename never
 * crosses file systems), are flushed to disk, and the file is renamed over `path`. A crash or an
 * error leaves either the old file or the new one, never a half-written one, and the temporary
 * file is removed on error.
 */
export async function saveParams(path: string, params: unknown, options: SafetensorsSaveOptions = {}): Promise<void> {
  const bytes = await paramsToSafetensors(params, options);
  const fs = await nodeFs('saveParams');
  const tmp = `${path}.${globalThis.crypto.randomUUID()}.tmp`;
  let handle: Awaited<ReturnType<Fs['open']>> | undefined;
  try {
    handle = await fs.open(tmp, 'wx');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, path);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/**
 * Reads a params tree from the safetensors file at `path` ({@link paramsFromSafetensors} explains
 * `like`, the checks and the dtype conversions). **Node only.** The tensors are fresh; the caller
 * owns them.
 */
export async function loadParams<P = Tree>(path: string, options: SafetensorsLoadOptions<P> = {}): Promise<P> {
  const fs = await nodeFs('loadParams');
  const buf = await fs.readFile(path);
  return paramsFromSafetensors<P>(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), options);
}
