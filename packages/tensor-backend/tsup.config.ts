import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineLibraryConfig } from '@probdl/tsup-config';
import { WASM_FILES } from './src/backend/wasm-files.js';

const require = createRequire(import.meta.url);

export default defineLibraryConfig({
  entry: { index: 'src/index.ts' },
  // tfjs-core ships its gradient definitions and chained ops only as ESM with extensionless imports,
  // which Node refuses to load; bundling them (as @tensorflow/tfjs does) registers them into
  // tfjs-core's global registries from chunks that load anywhere.
  noExternal: [/^@tensorflow\/tfjs-core\/dist\/register_all_gradients/, /^@tensorflow\/tfjs-core\/dist\/public\/chained_ops\/register_all_chained_ops/],
  // The wasm binaries travel in dist/wasm, beside the code that points bundlers at them.
  onSuccess: async () => {
    const from = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    await mkdir('dist/wasm', { recursive: true });
    await Promise.all(WASM_FILES.map((f) => copyFile(join(from, f), join('dist/wasm', f))));
  },
});
