import { defineConfig } from 'tsup';

/**
 * Build settings shared by every probdl library: ESM only, declaration files, source maps,
 * nothing bundled from node_modules (peers and dependencies stay imports).
 * @param {{ entry?: Record<string, string> | string[], platform?: 'neutral' | 'node' | 'browser', noExternal?: (string | RegExp)[], onSuccess?: () => Promise<void> }} [options]
 */
export function defineLibraryConfig(options = {}) {
  return defineConfig({
    entry: options.entry ?? { index: 'src/index.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    target: 'es2022',
    platform: options.platform ?? 'neutral',
    outDir: 'dist',
    noExternal: options.noExternal ?? [],
    onSuccess: options.onSuccess,
  });
}
