import * as tf from '@tensorflow/tfjs-core';
import { grad } from '@probdl/tensor-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logDensity, type LogDensityModel } from '../../src/index.js';
import { finiteDifferenceGradient } from '../reference/host/layout.js';
import { GRADIENT_RTOL, VALUE_RTOL, gradientScale, valueScale, worstExcess } from '../reference/host/tolerance.js';
import { loadPosteriorCase, testPositions, type PosteriorCase, type PosteriorName } from '../reference/models/posteriordb-cases.js';

/*
 * The reference log-density checks of test/reference/posteriordb.test.ts on the backend this
 * project runs (cpu, wasm, webgpu), whose kernels differ: three posteriors (a hierarchical model
 * with a half-Cauchy, a regression with a flat prior on (0, inf), and the N = 1192 plate).
 * Readback is `await data()` only (WebGPU has no synchronous readback).
 */

const CHOSEN: PosteriorName[] = ['eight_schools-eight_schools_noncentered', 'kidiq-kidscore_momiq', 'earnings-logearn_height'];

async function read(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data(), Number);
}

describe.each(CHOSEN)('%s on the active backend', (name) => {
  let c: PosteriorCase | undefined;
  let ldm: LogDensityModel;
  beforeAll(() => {
    c = loadPosteriorCase(name);
    if (c) ldm = logDensity(c.model, c.args);
  });
  afterAll(() => {
    ldm?.dispose();
    c?.dispose();
  });

  it('logDensityFn of a batch [C, D] (reference mean and perturbed points) equals the float64 host per row', async (ctx) => {
    if (!c) return ctx.skip();
    const points = testPositions(c).map((p) => p.u);
    const batch = tf.tensor2d(points);
    const uf = await read(batch);
    const lp = ldm.logDensityFn(batch);
    expect(lp.shape).toEqual([points.length]);
    const got = await read(lp);
    const D = c.host.dim;
    for (let i = 0; i < points.length; i++) {
      const u = uf.slice(i * D, (i + 1) * D);
      const want = c.host.logDensity(u);
      const tol = VALUE_RTOL * valueScale(c.host, u);
      expect(Math.abs(got[i]! - want), `row ${i}: got ${got[i]}, host ${want}, tolerance ${tol}`).toBeLessThanOrEqual(tol);
    }
    tf.dispose([batch, lp]);
  });

  it('unconstrain(reference mean) round-trips and its gradient matches host finite differences', async (ctx) => {
    if (!c) return ctx.skip();
    const host = c.host;
    const values = Object.fromEntries(Object.entries(c.mean).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
    const pos = ldm.unconstrain(values);
    await expect(pos).toBeCloseTensor(host.unconstrain(c.mean), { rtol: 1e-6, atol: 1e-6 });
    const back = ldm.constrain(pos);
    await expect(back).toBeCloseTree(values, { rtol: 2e-6, atol: 1e-6 });
    const uf = await read(pos);
    const g = grad((p: tf.Tensor) => ldm.logDensityFn(p))(pos);
    const got = await read(g);
    const want = finiteDifferenceGradient((v) => host.logDensity(v), uf);
    const tol = gradientScale(host, uf).map((s, i) => GRADIENT_RTOL * s + 1e-6 * Math.abs(want[i]!));
    const { excess, at } = worstExcess(got, want, tol);
    expect(excess, `coordinate ${at}: got ${got[at]}, host ${want[at]}, tolerance ${tol[at]}`).toBeLessThanOrEqual(1);
    tf.dispose([pos, g, ...Object.values(back)]);
  });
});
