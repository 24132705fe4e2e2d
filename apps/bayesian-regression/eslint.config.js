import { probdlEslint } from '@probdl/eslint-config';

export default probdlEslint({ name: 'bayesian-regression', kind: 'app' });
