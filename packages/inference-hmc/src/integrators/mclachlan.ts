import { palindromicIntegrator, type PalindromicIntegrator } from './palindromic.js';

/** McLachlan's (1995) minimum-error value of the outer momentum coefficient, as in BlackJAX (≈ 0.1932). */
export const MCLACHLAN_B1 = 0.1931833275037836;

/**
 * The two-stage minimum-error integrator of McLachlan (1995), as BlackJAX's `mclachlan`:
 * coefficients `[b1, ½, 1 - 2 b1, ½, b1]` with b1 ≈ 0.1932 (momentum first). Two gradient
 * evaluations per step; second order, with an error constant several times smaller than
 * velocity Verlet at the same cost.
 */
export const mclachlan: PalindromicIntegrator = palindromicIntegrator([MCLACHLAN_B1, 0.5, 1 - 2 * MCLACHLAN_B1, 0.5, MCLACHLAN_B1]);
