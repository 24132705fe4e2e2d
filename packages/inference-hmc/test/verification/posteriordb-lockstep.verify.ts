import { beforeAll, describe, it } from 'vitest';
import { POSTERIORS } from '../../../model/test/reference/models/posteriordb-cases.js';
import { useVerificationBackend, verify } from './posteriordb-verify.js';

/*
 * The same checks in lockstep with 64 chains, 500 warmup and 500 draws each (32,000 draws). With
 * the host trajectory and chains out of step in the sampling phase this takes minutes per
 * posterior on a 2-core CPU (wasm), so it runs with `pnpm verify`. 100 draws per chain proved too
 * few for the R-hat < 1.01 check: split R-hat over 128 half-chains of 50 draws came out at
 * 1.010–1.012 on correct runs (arK, eight schools), within its own sampling noise.
 */

beforeAll(useVerificationBackend);

const MINUTES = 60_000;

describe('lockstep with 64 chains (500 warmup, 500 draws each)', () => {
  it.each(POSTERIORS.map((name, i) => [name, i] as const))('%s', async (name, i) => {
    await verify(name, 200 + i, { numWarmup: 500, numSamples: 500, numChains: 64, chainMethod: 'lockstep' }, '64 chains × 500');
  }, 30 * MINUTES);
});
