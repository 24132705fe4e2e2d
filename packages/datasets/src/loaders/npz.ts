import { unzipSync } from 'fflate';
import { parseNpy, type NpyArray } from './npy.js';

/**
 * Parse the bytes of a NumPy `.npz` archive (as written by `np.savez` or `np.savez_compressed`):
 * a zip of `.npy` members, stored or deflated. Keys are member names without the `.npy` suffix.
 *
 * @param bytes - the whole archive.
 * @param name - a name for error messages.
 * @throws Error naming the archive (and member) when the zip or a member cannot be read.
 */
export function parseNpz(bytes: Uint8Array | ArrayBuffer, name = 'npz'): Record<string, NpyArray> {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(b);
  } catch (e) {
    throw new Error(`${name}: not a readable zip archive (${(e as Error).message})`);
  }
  const out: Record<string, NpyArray> = {};
  for (const [member, content] of Object.entries(files)) {
    if (member.endsWith('/')) continue; // a directory entry holds no data
    const key = member.endsWith('.npy') ? member.slice(0, -4) : member;
    out[key] = parseNpy(content, `${name}:${member}`);
  }
  return out;
}
