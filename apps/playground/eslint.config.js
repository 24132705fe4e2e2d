import { probdlEslint } from '@probdl/eslint-config';

export default probdlEslint({ name: 'playground', kind: 'app' });
