import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WASM_FILES } from '../../src/backend/wasm-files.js';
import { bundledWasmUrls, resolveWasmPaths } from '../../src/backend/wasm-paths.js';

describe('wasm binaries', () => {
  it('are found in Node through module resolution', async () => {
    const paths = (await resolveWasmPaths()) as Record<string, string>;
    expect(Object.keys(paths).sort()).toEqual([...WASM_FILES].sort());
    for (const file of Object.values(paths)) expect(existsSync(file), file).toBe(true);
  });

  it('keep an explicit prefix or map', async () => {
    expect(await resolveWasmPaths('https://cdn.example/tfjs/')).toBe('https://cdn.example/tfjs/');
  });

  it('point bundlers at dist/wasm with static new URL(..., import.meta.url) literals', () => {
    const urls = bundledWasmUrls();
    for (const f of WASM_FILES) expect(urls[f]).toMatch(new RegExp(`/wasm/${f.replace(/\./g, '\\.')}$`));
    // The literal form is what Vite/webpack/Parcel rewrite; a computed path would be invisible to them.
    const source = readFileSync(fileURLToPath(new URL('../../src/backend/wasm-paths.ts', import.meta.url)), 'utf8');
    for (const f of WASM_FILES) expect(source).toContain(`new URL('./wasm/${f}', import.meta.url)`);
  });
});
