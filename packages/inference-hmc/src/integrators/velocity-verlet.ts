import { palindromicIntegrator, type PalindromicIntegrator } from './palindromic.js';

/**
 * One velocity Verlet (leapfrog) step: half momentum step, full position step, half momentum
 * step (coefficients `[½, 1, ½]`); one gradient evaluation. `stepSize` is `[C, 1]` (negative runs
 * backwards). Second order: the energy error of a trajectory of fixed length scales as ε².
 */
export const velocityVerlet: PalindromicIntegrator = palindromicIntegrator([0.5, 1, 0.5]);
