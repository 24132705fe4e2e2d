/** Compiles asm/*.ts (AssemblyScript) and writes each module into src/ as a base64 constant. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ASM_KERNELS, PACKAGE_ROOT, compileAsm, generatedModule } from './compile-asm.js';

for (const k of ASM_KERNELS) {
  const bytes = await compileAsm(k.source);
  await writeFile(join(PACKAGE_ROOT, k.output), generatedModule(k.source, k.constant, bytes));
  console.log(`${k.source} → ${k.output} (${bytes.length} bytes)`);
}
