import { describe, expect, it } from 'vitest';
import { ASM_KERNELS, compileAsm } from '../../scripts/compile-asm.js';

// src/ holds the WebAssembly of asm/ as base64 constants (so that users need no AssemblyScript);
// this checks they are what asm/ compiles to now, i.e. that `pnpm build:asm` was run after an edit.
describe('generated WebAssembly modules', () => {
  for (const k of ASM_KERNELS) {
    it(`${k.output} is ${k.source} compiled`, async () => {
      const mod = (await import(`../../${k.output}`)) as Record<string, string>;
      const bytes = await compileAsm(k.source);
      expect(mod[k.constant], `run \`pnpm --filter @probdl/nn-layers build:asm\``).toBe(Buffer.from(bytes).toString('base64'));
    }, 30_000);
  }
});
