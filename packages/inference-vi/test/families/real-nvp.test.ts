import { realNvp } from '../../src/index.js';
import { describeFlowChecks } from './flow-checks.js';

describeFlowChecks({
  name: 'realNvp',
  make: realNvp,
  identityTitle: 'starts as N(0, initScale² I): init is the identity coupling',
  // Midpoint rule on [-8, 8]² with step 0.05: the density is smooth (error ~h² · curvature ≈ 1e-4) and
  // the mass outside the box is far below 1e-4 for this mild deformation of N(0, I).
  grid: { h: 0.05, n: 320, lo: -8 },
});
