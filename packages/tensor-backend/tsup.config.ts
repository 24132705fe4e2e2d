import { defineLibraryConfig } from '@probdl/tsup-config';

export default defineLibraryConfig({
  entry: { index: 'src/index.ts' },
  // tfjs-core ships its gradient definitions and chained ops only as ESM with extensionless imports, which Node
  // refuses to load; bundling them (as @tensorflow/tfjs does) registers them into tfjs-core's
  // global gradient registry from a chunk that loads anywhere.
  noExternal: [/^@tensorflow\/tfjs-core\/dist\/register_all_gradients/, /^@tensorflow\/tfjs-core\/dist\/public\/chained_ops\/register_all_chained_ops/],
});
