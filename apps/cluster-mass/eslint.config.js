import { probdlEslint } from '@probdl/eslint-config';

export default probdlEslint({ name: 'cluster-mass', kind: 'app' });
