import { beforeAll, describe, it } from 'vitest';
import { POSTERIORS } from '../../../model/test/reference/models/posteriordb-cases.js';
import { useVerificationBackend, verify } from './posteriordb-verify.js';

/*
 * The same checks in lockstep with 64 chains (300 warmup, 100 draws each). PENDING: on a loaded
 * 2-core machine (wasm) eight schools alone ran for more than 20 minutes without finishing, so this
 * file runs with `pnpm verify`; its pass or fail is not yet known (a first run exceeded 23 minutes).
 */

beforeAll(useVerificationBackend);

const MINUTES = 60_000;

describe('lockstep with 64 chains (300 warmup, 100 draws each)', () => {
  it.each(POSTERIORS.map((name, i) => [name, i] as const))('%s', async (name, i) => {
    await verify(name, 200 + i, { numWarmup: 300, numSamples: 100, numChains: 64, chainMethod: 'lockstep' }, '64 chains × 100');
  }, 20 * MINUTES);
});
