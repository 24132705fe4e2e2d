import { beforeAll, describe, it } from 'vitest';
import { POSTERIORS } from '../../../model/test/reference/models/posteriordb-cases.js';
import { useVerificationBackend, verify } from './posteriordb-verify.js';

/*
 * The same checks in lockstep with 64 chains at the default settings, 1,000 warmup and 1,000 draws
 * each (64,000 draws); with the host trajectory and chains out of step in the sampling phase this
 * takes minutes per posterior on a 2-core CPU (wasm), so it runs with `pnpm verify`. Fewer draws
 * per chain do not suffice for R-hat < 1.01 however well the sampler does: split R-hat over 128
 * half-chains deviates from 1 by about 1 / (ESS per chain), and sblrc's sigma has an ESS of about
 * 0.13 per draw (1.018 with 500 draws per chain; arK and eight schools reached 1.010–1.012 with 100).
 */

beforeAll(useVerificationBackend);

const MINUTES = 60_000;

describe('lockstep with 64 chains (1,000 warmup, 1,000 draws each)', () => {
  it.each(POSTERIORS.map((name, i) => [name, i] as const))('%s', async (name, i) => {
    await verify(name, 200 + i, { numWarmup: 1000, numSamples: 1000, numChains: 64, chainMethod: 'lockstep' }, '64 chains × 1000');
  }, 60 * MINUTES);
});
