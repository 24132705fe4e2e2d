import { probdlEslint } from '@probdl/eslint-config';

// The tests train with @probdl/optimizers' Adam (a devDependency); src never imports it.
export default probdlEslint({ name: 'nn-layers', testImports: ['optimizers'] });
