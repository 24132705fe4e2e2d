import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Dirichlet } from '../../src/multivariate/dirichlet.js';
import { MultivariateNormalFullCovariance } from '../../src/multivariate/multivariate-normal-full-covariance.js';
import { MultivariateNormalTriL } from '../../src/multivariate/multivariate-normal-tril.js';
import { casesOf, nums, refNumber } from '../helpers/reference.js';
import { host } from '../helpers/stats.js';

// One MultivariateNormal reference case (3d_random: triangular solve, Cholesky, log det) and one
// Dirichlet case (lgamma, xlogy, digamma, the simplex mask) on each backend; tolerances as on cpu.
describe(`multivariate families on ${process.env.PROBDL_BACKEND ?? 'cpu'}`, () => {
  const mvn = casesOf('MultivariateNormal').find((c) => c.name === '3d_random');
  it.skipIf(!mvn)('MultivariateNormal 3d_random: TriL and FullCovariance logProb and entropy', async () => {
    const c = mvn!;
    const want = nums(c.mp_log_prob as unknown[]);
    const tril = new MultivariateNormalTriL({ loc: c.mean, scaleTril: c.cholesky_lower });
    await expect(tril.logProb(c.x)).toBeCloseTensor(want, { rtol: 2e-6, atol: 2e-5 });
    await expect(tril.entropy()).toBeCloseTensor(refNumber(c.entropy), { rtol: 2e-6, atol: 2e-6 });
    // On WebGPU the float32 positive-definiteness check of the device factor waits for validate().
    const full = await new MultivariateNormalFullCovariance({ loc: c.mean, covarianceMatrix: c.covariance }).validate();
    await expect(full.logProb(c.x)).toBeCloseTensor(want, { rtol: 1e-5, atol: 1e-4 });
    const s = await host(tril.sample(key(0), 4));
    expect(s.length).toBe(12);
    expect(s.every((v) => Number.isFinite(v))).toBe(true);
    tril.dispose();
    full.dispose();
  });
  const dir = casesOf('Dirichlet').find((c) => (c.alpha as number[]).length === 4);
  it.skipIf(!dir)('Dirichlet alpha=[2, 3, 4, 5]: logProb, entropy, mean and simplex samples', async () => {
    const c = dir!;
    const d = new Dirichlet({ concentration: c.alpha });
    await expect(d.logProb(c.x)).toBeCloseTensor(nums(c.log_prob as unknown[]), { rtol: 1e-5, atol: 2e-5 });
    await expect(d.logProb([0.5, 0.6, -0.2, 0.1])).toBeCloseTensor(-Infinity);
    await expect(d.entropy()).toBeCloseTensor(refNumber(c.entropy), { rtol: 1e-5, atol: 2e-5 });
    await expect(d.mean()).toBeCloseTensor(c.mean, { rtol: 1e-6 });
    const s = await host(d.sample(key(1), 3));
    for (let r = 0; r < 3; r++) expect(Math.abs(s[r * 4]! + s[r * 4 + 1]! + s[r * 4 + 2]! + s[r * 4 + 3]! - 1)).toBeLessThan(1e-5);
    d.dispose();
  });
});
