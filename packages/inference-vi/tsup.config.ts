import { defineLibraryConfig } from '@probdl/tsup-config';

export default defineLibraryConfig({ entry: { index: 'src/index.ts' } });
