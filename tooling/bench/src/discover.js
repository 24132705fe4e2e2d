import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const BENCH_FILE = /\.bench\.ts$/;

/**
 * The bench files of the workspace: packages/<pkg>/bench/*.bench.ts, sorted; or the files given.
 * @param {string} repoRoot
 * @param {{ packages: string[], files: string[] }} o
 * @returns {string[]} absolute paths
 */
export function discoverBenchFiles(repoRoot, o) {
  if (o.files.length > 0) {
    return o.files.map((f) => {
      const abs = resolve(f);
      if (!existsSync(abs)) throw new Error(`bench file not found: ${f}`);
      return abs;
    });
  }
  const packagesDir = join(repoRoot, 'packages');
  const names = existsSync(packagesDir) ? readdirSync(packagesDir).sort() : [];
  for (const wanted of o.packages) {
    if (!names.includes(wanted)) throw new Error(`--package ${wanted}: no folder packages/${wanted}`);
  }
  const files = [];
  for (const name of names) {
    if (o.packages.length > 0 && !o.packages.includes(name)) continue;
    const dir = join(packagesDir, name, 'bench');
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) if (BENCH_FILE.test(f)) files.push(join(dir, f));
  }
  return files;
}

/** Paths relative to the repo root, for the report. */
export function relativeMap(repoRoot, files) {
  return Object.fromEntries(files.map((f) => [f, relative(repoRoot, f)]));
}
