import { palindromicIntegrator, type PalindromicIntegrator } from './palindromic.js';

const B1 = 0.11888010966548;
const A1 = 0.29619504261126;

/**
 * The three-stage palindromic integrator of BlackJAX's `yoshida` (McLachlan 1995): coefficients
 * `[b1, a1, ½ - b1, 1 - 2 a1, ½ - b1, a1, b1]` with b1 = 0.11888010966548 and
 * a1 = 0.29619504261126 (momentum first). Three gradient evaluations per step. All coefficients
 * are positive, so it is formally second order (a fourth-order splitting needs negative steps),
 * but its error constant is far smaller than velocity Verlet's and its stability interval is
 * about 4.67 (BlackJAX's documentation).
 */
export const yoshida: PalindromicIntegrator = palindromicIntegrator([B1, A1, 0.5 - B1, 1 - 2 * A1, 0.5 - B1, A1, B1]);
