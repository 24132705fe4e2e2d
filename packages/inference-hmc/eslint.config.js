import { probdlEslint } from '@probdl/eslint-config';

export default probdlEslint({ name: 'inference-hmc' });
