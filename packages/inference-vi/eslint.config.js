import { probdlEslint } from '@probdl/eslint-config';

// The tests read the Indaba practical's data sets through @probdl/datasets, and the BNN tests and benches
// train @probdl/nn-layers modules (both devDependencies); src never imports either.
export default probdlEslint({ name: 'inference-vi', testImports: ['datasets', 'nn-layers'] });
