import { expect } from 'vitest';
import { meanVar } from './stats.js';

/**
 * Checks the sample mean and variance against the distribution's mean, variance and fourth central
 * moment mu4: each within `z` Monte Carlo standard errors, sqrt(var / n) for the mean and
 * sqrt((mu4 - var^2) / n) for the variance.
 */
export function expectMoments(xs: ArrayLike<number>, mean: number, variance: number, mu4: number, label: string, z = 5): void {
  const n = xs.length;
  const s = meanVar(xs);
  const seMean = Math.sqrt(variance / n);
  const seVar = Math.sqrt(Math.max(mu4 - variance * variance, 0) / n);
  expect(Math.abs(s.mean - mean), `${label}: mean ${s.mean} vs ${mean} (SE ${seMean})`).toBeLessThanOrEqual(z * seMean);
  expect(Math.abs(s.variance - variance), `${label}: variance ${s.variance} vs ${variance} (SE ${seVar})`).toBeLessThanOrEqual(z * seVar);
}
