import * as tf from '@tensorflow/tfjs-core';
import { grad, key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logDensity, type LogDensityModel } from '../../src/index.js';
import { finiteDifferenceGradient } from './host/layout.js';
import { GRADIENT_RTOL, VALUE_RTOL, gradientScale, valueScale, worstExcess } from './host/tolerance.js';
import { POSTERIORS, loadPosteriorCase, testPositions, toSiteValues, type PosteriorCase } from './models/posteriordb-cases.js';

/*
 * The five posteriordb posteriors written as probdl models (test/reference/models) against float64
 * host implementations of each Stan log density (test/reference/host), with every normalising
 * constant and the log|det J| of the exp map of each `<lower=0>` parameter in both.
 * Device math is float32: the host is evaluated at the float32 position the device saw, and the
 * tolerances scale with the sizes of the summed terms (host/tolerance.ts). Gradients use
 * tensor-backend's `grad` (HMC's), which repairs tfjs's tape for comparison ops (Cauchy's logProb
 * branches on tf.greater, which plain tf.grad cannot differentiate through).
 */

async function read(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data(), Number);
}

describe.each(POSTERIORS)('posteriordb %s', (name) => {
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

  it('has the latent sites of the Stan parameters block, in order', (ctx) => {
    if (!c) return ctx.skip();
    expect(ldm.dim).toBe(c.host.dim);
    let offset = 0;
    const expected = c.host.params.map((p) => {
      const site = { name: p.name, shape: p.size === 1 ? [] : [p.size], offset, size: p.size };
      offset += p.size;
      return site;
    });
    expect(ldm.sites.map((s) => ({ name: s.name, shape: s.shape, offset: s.offset, size: s.size }))).toEqual(expected);
  });

  it('unconstrain(reference mean) is the host map (log of the positive parameters) and constrain inverts it', async (ctx) => {
    if (!c) return ctx.skip();
    const values = toSiteValues(c.mean);
    const pos = ldm.unconstrain(values);
    expect(pos.shape).toEqual([c.host.dim]);
    await expect(pos).toBeCloseTensor(c.host.unconstrain(c.mean), { rtol: 1e-6, atol: 1e-6 });
    const back = ldm.constrain(pos);
    await expect(back).toBeCloseTree(values, { rtol: 2e-6, atol: 1e-6 });
    const again = ldm.unconstrain(back);
    await expect(again).toBeCloseTensor(pos, { rtol: 1e-6, atol: 1e-6 });
    tf.dispose([pos, again, ...Object.values(back)]);
  });

  it('logDensityFn equals the float64 host log density at the reference mean and at perturbed points', async (ctx) => {
    if (!c) return ctx.skip();
    for (const { label, u } of testPositions(c)) {
      const pos = tf.tensor1d(u);
      const uf = await read(pos); // the float32 point the device sees
      const lp = ldm.logDensityFn(pos);
      expect(lp.shape).toEqual([]);
      const [got] = await read(lp);
      const want = c.host.logDensity(uf);
      const tol = VALUE_RTOL * valueScale(c.host, uf);
      expect(Math.abs(got! - want), `${label}: got ${got}, host ${want}, tolerance ${tol}`).toBeLessThanOrEqual(tol);
      const pot = ldm.potentialFn(pos);
      await expect(pot).toBeCloseTensor(-got!, { rtol: 0, atol: 0 });
      tf.dispose([pos, lp, pot]);
    }
  });

  it('the gradient of logDensityFn equals float64 central differences of the host density', async (ctx) => {
    if (!c) return ctx.skip();
    const host = c.host;
    for (const { label, u } of testPositions(c)) {
      const pos = tf.tensor1d(u);
      const uf = await read(pos);
      const g = grad((p: tf.Tensor) => ldm.logDensityFn(p))(pos);
      const got = await read(g);
      const want = finiteDifferenceGradient((v) => host.logDensity(v), uf);
      const tol = gradientScale(host, uf).map((s, i) => GRADIENT_RTOL * s + 1e-6 * Math.abs(want[i]!));
      const { excess, at } = worstExcess(got, want, tol);
      expect(excess, `${label}: coordinate ${at}: got ${got[at]}, host ${want[at]}, tolerance ${tol[at]}`).toBeLessThanOrEqual(1);
      tf.dispose([pos, g]);
    }
  });

  it('a batch of positions [C, D] gives the per-row log densities, gradients and constrained values', async (ctx) => {
    if (!c) return ctx.skip();
    const points = testPositions(c).map((p) => p.u);
    const batch = tf.tensor2d(points);
    const lp = ldm.logDensityFn(batch);
    expect(lp.shape).toEqual([points.length]);
    const rows = await read(lp);
    const gb = grad((p: tf.Tensor) => tf.sum(ldm.logDensityFn(p)))(batch);
    const gbRows = await read(gb);
    const constrained = ldm.constrain(batch);
    for (const s of ldm.sites) expect(constrained[s.name]!.shape).toEqual([points.length, ...s.shape]);
    const roundTrip = ldm.unconstrain(constrained);
    await expect(roundTrip).toBeCloseTensor(batch, { rtol: 1e-6, atol: 1e-6 });
    const uf = await read(batch);
    const D = c.host.dim;
    for (let i = 0; i < points.length; i++) {
      const row = tf.tensor1d(uf.slice(i * D, (i + 1) * D));
      const singleLp = ldm.logDensityFn(row);
      const [single] = await read(singleLp);
      const scale = valueScale(c.host, uf.slice(i * D, (i + 1) * D));
      expect(Math.abs(rows[i]! - single!), `row ${i}: batched ${rows[i]}, single ${single}`).toBeLessThanOrEqual(VALUE_RTOL * scale);
      const g = grad((p: tf.Tensor) => ldm.logDensityFn(p))(row);
      const gs = gradientScale(c.host, uf.slice(i * D, (i + 1) * D)).map((s) => GRADIENT_RTOL * s);
      const { excess, at } = worstExcess(gbRows.slice(i * D, (i + 1) * D), await read(g), gs);
      expect(excess, `row ${i}, coordinate ${at}`).toBeLessThanOrEqual(1);
      const perRow = ldm.constrain(row);
      for (const s of ldm.sites) {
        const slice = tf.tidy(() => tf.squeeze(tf.slice(constrained[s.name]!, [i], [1]), [0]));
        await expect(slice).toBeCloseTensor(perRow[s.name]!, { rtol: 1e-6, atol: 1e-7 });
        slice.dispose();
      }
      tf.dispose([row, singleLp, g, ...Object.values(perRow)]);
    }
    tf.dispose([batch, lp, gb, roundTrip, ...Object.values(constrained)]);
  });

  it('initialPosition gives chains [C, D] with a finite log density (flat priors included)', async (ctx) => {
    if (!c) return ctx.skip();
    const init = await ldm.initialPosition(key(7), { numChains: 4 });
    expect(init.shape).toEqual([4, c.host.dim]);
    const uf = await read(init);
    const lp = ldm.logDensityFn(init);
    const got = await read(lp);
    const D = c.host.dim;
    got.forEach((v, i) => {
      expect(Number.isFinite(v)).toBe(true);
      const u = uf.slice(i * D, (i + 1) * D);
      expect(Math.abs(v - c!.host.logDensity(u))).toBeLessThanOrEqual(VALUE_RTOL * valueScale(c!.host, u));
    });
    tf.dispose([init, lp]);
  });

  it('logDensityFn and its gradient leave no tensors behind', async (ctx) => {
    if (!c) return ctx.skip();
    const pos = ldm.unconstrain(toSiteValues(c.mean));
    await expectNoLeaks(() => ldm.logDensityFn(pos));
    await expectNoLeaks(() => grad((p: tf.Tensor) => ldm.logDensityFn(p))(pos));
    pos.dispose();
  });
});
