import { beforeAll, describe, it } from 'vitest';
import { POSTERIORS } from '../../../model/test/reference/models/posteriordb-cases.js';
import { useVerificationBackend, verify } from './posteriordb-verify.js';

/*
 * NUTS with default settings on the five posteriordb posteriors against their reference summaries
 * (tolerances: posteriordb-verify.ts). Runs on wasm (see there). Measured on a loaded 2-core machine:
 * eight schools 206 s, arK 371 s, kidiq 478 s, earnings 580 s, sblrc 167 s: about 30 minutes.
 */

beforeAll(useVerificationBackend);

const MINUTES = 60_000;

describe('NUTS with default settings (4 chains, 1,000 warmup, 1,000 draws, window adaptation, diagonal metric)', () => {
  it.each(POSTERIORS.map((name, i) => [name, i] as const))('%s', async (name, i) => {
    await verify(name, 100 + i, { numWarmup: 1000, numSamples: 1000, numChains: 4 }, '4 chains × 1000');
  }, 20 * MINUTES);
});
