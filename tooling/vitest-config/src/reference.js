import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repo root: the nearest folder upwards that holds pnpm-workspace.yaml. */
function repoRoot(from = process.cwd()) {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Locates a file of ../shared/reference (beside the repo root), read in place, never copied.
 * Missing: under CI=true that is an error; elsewhere the caller skips with the printed reason.
 */
export function referenceFile(relPath) {
  const root = repoRoot();
  const dir = process.env.PROBDL_REFERENCE_DIR ?? (root ? join(root, '..', 'shared', 'reference') : undefined);
  const path = dir ? join(dir, relPath) : undefined;
  if (path && existsSync(path)) return { available: true, path, reason: '' };
  const reason = `reference file ${relPath} not found (looked in ${dir ?? '<no repo root>'})`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`[probdl] ${reason}; CI needs ../shared/reference`);
  console.warn(`[probdl] skipping: ${reason}`);
  return { available: false, path: undefined, reason };
}

/** Parses a reference JSON file; undefined when it is missing (see referenceFile). */
export function loadReference(relPath) {
  const ref = referenceFile(relPath);
  return ref.available ? JSON.parse(readFileSync(ref.path, 'utf8')) : undefined;
}

/** Reference JSON numbers: "inf", "-inf", "nan" are strings there. */
export function refNumber(v) {
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (v === 'nan') return NaN;
  if (typeof v !== 'number') throw new TypeError(`not a reference number: ${JSON.stringify(v)}`);
  return v;
}
