import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where the runner gets `initBackend` (and so the tfjs-core instance) from: the ONE place to
 * change. Now it is tensor-backend's source, loaded through tsx, because the package's index does
 * not export initBackend yet. Once it does and `pnpm bench` builds dist, use the package itself:
 *   export const BACKEND_SOURCE = { specifier: '@probdl/tensor-backend', from: 'packages/tensor-backend' };
 * @type {{ file: string } | { specifier: string, from: string }}
 */
export const BACKEND_SOURCE = { file: 'packages/tensor-backend/src/backend/init-backend.ts' };

/** The package folder (relative to the repo root) that BACKEND_SOURCE lives in: tsx is looked up there too. */
export const BACKEND_PACKAGE_DIR = 'packages/tensor-backend';

/**
 * Loads initBackend and the tfjs-core that it starts, resolved from the same place so that both
 * are one instance.
 * @param {string} repoRoot
 * @returns {Promise<{ initBackend: (o: object) => Promise<any>, tf: any, source: string }>}
 */
export async function loadBackendSource(repoRoot) {
  let entry;
  let source;
  if ('file' in BACKEND_SOURCE) {
    entry = join(repoRoot, BACKEND_SOURCE.file);
    source = BACKEND_SOURCE.file;
  } else {
    const require = createRequire(join(repoRoot, BACKEND_SOURCE.from, 'package.json'));
    entry = require.resolve(BACKEND_SOURCE.specifier);
    source = `${BACKEND_SOURCE.specifier} (${entry})`;
  }
  const mod = await import(pathToFileURL(entry).href);
  if (typeof mod.initBackend !== 'function') throw new Error(`${source} exports no initBackend function`);
  const tfPath = createRequire(join(dirname(entry), 'noop.js')).resolve('@tensorflow/tfjs-core');
  const tf = await import(pathToFileURL(tfPath).href);
  return { initBackend: mod.initBackend, tf, source };
}
