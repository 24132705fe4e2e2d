import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Normal } from '../../src/families/normal.js';
import { MultivariateNormalTriL } from '../../src/multivariate/multivariate-normal-tril.js';
import { kl } from '../../src/kl/kl.js';
import { casesOf } from '../helpers/reference.js';
import { choleskyHost } from '../kl/helpers.js';

beforeAll(() => {
  // Small tensors would otherwise run on the CPU and the WebGPU kernels would go untested (DESIGN.md).
  if (tf.getBackend() === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false);
});

// The KL references on each backend (cpu, wasm, webgpu), with the cpu tolerances: every
// KL(Normal || Normal) case in one batched call (including q_loc = 1e-8, truth 5e-17, which the
// stable form must keep), and the dim-3 KL(MVN || MVN) case (two triangular solves and a log-det).
describe(`kl against mpmath on ${tf.getBackend()}`, () => {
  it('KL(Normal || Normal), all reference cases as one batch', async () => {
    const cases = casesOf('KL_Normal_Normal');
    if (cases.length === 0) return;
    const col = (f: string) => cases.map((c) => c[f] as number);
    const p = new Normal({ loc: col('p_loc'), scale: col('p_scale') });
    const q = new Normal({ loc: col('q_loc'), scale: col('q_scale') });
    const v = kl(p, q);
    const got = Float64Array.from(await v.data());
    cases.forEach((c, i) => {
      const truth = c.mp_kl as number;
      const tol = truth !== 0 && truth < 1e-10 ? 1e-6 * truth : 2e-6 * Math.abs(truth) + 1e-7;
      expect(Math.abs(got[i]! - truth), `case ${i}: got ${got[i]} want ${truth}`).toBeLessThanOrEqual(tol);
    });
    v.dispose();
    p.dispose();
    q.dispose();
  });
  it('KL(MVN || MVN), the dim-3 reference case, both directions', async () => {
    const c = casesOf('KL_MVN_MVN').find((e) => e.dim === 3 && e.note === undefined);
    if (!c) return;
    const p = new MultivariateNormalTriL({ loc: c.p_mean, scaleTril: choleskyHost(c.p_cov) });
    const q = new MultivariateNormalTriL({ loc: c.q_mean, scaleTril: choleskyHost(c.q_cov) });
    await expect(kl(p, q)).toBeCloseTensor(c.mp_kl, { rtol: 2e-5, atol: 1e-5 });
    await expect(kl(q, p)).toBeCloseTensor(c.kl_q_p, { rtol: 2e-5, atol: 1e-5 });
    p.dispose();
    q.dispose();
  });
});
