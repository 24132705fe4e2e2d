import { describe, expect, it } from 'vitest';
import { divergenceAllowance } from './posteriordb-verify.js';

// Expected values worked from Stan's counts by hand (mean + 4·sqrt(max(mean, sample variance))).
const EIGHT = 'eight_schools-eight_schools_noncentered';

describe('divergenceAllowance', () => {
  it('allows Stan mean + 4 sd at each measured configuration', () => {
    expect(divergenceAllowance(EIGHT, 4, 1000)).toBe(7); // 4/3 + 4·sqrt(7/3) = 7.44
    expect(divergenceAllowance(EIGHT, 64, 500)).toBe(24); // 7 + 4·sqrt(19) = 24.4
    expect(divergenceAllowance(EIGHT, 64, 1000)).toBe(29); // 43/3 + 4·sqrt(43/3) = 29.5
  });

  it('scales the pooled rate, over-dispersed, to an unmeasured configuration', () => {
    // 68 divergences in 300,000 draws; 8 × 1,000 draws → mean 1.813; dispersion 19/7.
    expect(divergenceAllowance(EIGHT, 8, 1000)).toBe(10);
  });

  it('holds posteriors where Stan has none to zero', () => {
    expect(divergenceAllowance('arK-arK', 64, 1000)).toBe(0);
  });
});
