import { defineLibraryConfig } from '@probdl/tsup-config';

// The runner starts workers on ./worker-entry.js beside the bundle (chainMethod: 'workers').
export default defineLibraryConfig({ entry: { index: 'src/index.ts', 'worker-entry': 'src/run/worker-entry.ts' } });
