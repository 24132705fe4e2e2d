import * as tf from '@tensorflow/tfjs-core';
import { Beta, Gamma, HalfNormal, LogNormal, Normal } from '@probdl/distributions';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initToFeasible, initToMedian, initToSample, initToUniform, initToValue } from '../../src/index.js';
import { logDensity, type LogDensityModel } from '../../src/index.js';
import type { ModelContext } from '../../src/types.js';

function model(ctx: ModelContext, y: tf.Tensor) {
  const mu = ctx.sample('mu', new Normal({ loc: 1, scale: 2 }));
  const s = ctx.sample('s', new LogNormal({ loc: 0.5, scale: 0.3 }));
  ctx.plate('two', 2, () => ctx.sample('b', new Beta({ concentration1: 2, concentration0: 5 })));
  ctx.sample('g', new Gamma({ concentration: 3, rate: 2 }));
  ctx.plate('data', 3, () => ctx.sample('y', new Normal({ loc: tf.expandDims(mu, -1), scale: tf.expandDims(s, -1) }), { obs: y }));
}

async function rowsOf(t: tf.Tensor): Promise<number[][]> {
  return (t.rank === 1 ? [await t.array()] : await t.array()) as number[][];
}

describe('initialPosition', () => {
  let y: tf.Tensor;
  let ld: LogDensityModel;
  beforeAll(() => {
    y = tf.tensor1d([0.5, 1.5, 1.0]);
    ld = logDensity(model, [y]);
  });
  afterAll(() => {
    ld.dispose();
    y.dispose();
  });

  it('initToUniform (default): [D], or [C, D] with numChains, inside (-2, 2), finite, different per chain', async () => {
    const one = await ld.initialPosition(key(0));
    expect(one.shape).toEqual([5]);
    const many = await ld.initialPosition(key(0), { numChains: 4 });
    expect(many.shape).toEqual([4, 5]);
    const rows = await rowsOf(many);
    for (const r of rows) for (const v of r) expect(Math.abs(v)).toBeLessThan(2);
    expect(rows[0]).not.toEqual(rows[1]);
    const lp = ld.logDensityFn(many);
    expect(Array.from(await lp.data()).every(Number.isFinite)).toBe(true);
    const wide = await ld.initialPosition(key(1), { strategy: initToUniform({ radius: 0.1 }) });
    expect((await wide.data()).every((v) => Math.abs(v) < 0.1)).toBe(true);
    tf.dispose([one, many, lp, wide]);
  });

  it('initToFeasible starts at the unconstrained origin', async () => {
    const p = await ld.initialPosition(key(0), { strategy: initToFeasible(), numChains: 2 });
    await expect(p).toBeCloseTensor(tf.zeros([2, 5]));
    p.dispose();
  });

  it('initToValue reproduces the given constrained values; the others fall back', async () => {
    const p = await ld.initialPosition(key(2), { strategy: initToValue({ mu: 0.7, b: [0.1, 0.6] }, initToFeasible()) });
    const v = ld.constrain(p);
    await expect(v.mu!).toBeCloseTensor(0.7, { rtol: 1e-5 });
    await expect(v.b!).toBeCloseTensor([0.1, 0.6], { rtol: 1e-4 });
    await expect(v.s!).toBeCloseTensor(Math.exp(0), { rtol: 1e-6 }); // the origin: exp(0)
    const bad = initToValue({ b: 0.3 });
    await expect(ld.initialPosition(key(2), { strategy: bad })).rejects.toThrow(/site 'b' has shape \[2\], got a value of shape \[\]/);
    tf.dispose([p, ...Object.values(v)]);
  });

  it('initToSample draws from the prior: finite, in the support, different keys differ', async () => {
    const a = await ld.initialPosition(key(4), { strategy: initToSample(), numChains: 3 });
    expect(a.shape).toEqual([3, 5]);
    const rows = await rowsOf(a);
    expect(rows[0]).not.toEqual(rows[1]);
    const lp = ld.logDensityFn(a);
    expect(Array.from(await lp.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([a, lp]);
  });

  it('initToMedian is close to the prior median (within Monte Carlo error)', async () => {
    const n = 401;
    const p = await ld.initialPosition(key(5), { strategy: initToMedian({ numSamples: n }) });
    const v = ld.constrain(p);
    // Normal(1, 2): median 1, sd of the sample median ≈ 1.2533 · 2 / √n ≈ 0.125
    expect(Math.abs((await v.mu!.data())[0]! - 1)).toBeLessThan(4 * 0.125);
    // LogNormal(0.5, 0.3): log-median 0.5, sd ≈ 1.2533 · 0.3 / √n ≈ 0.019
    expect(Math.abs(Math.log((await v.s!.data())[0]!) - 0.5)).toBeLessThan(4 * 0.019);
    // Beta(2, 5): median ≈ 0.26445 (I_x(2, 5) = 1/2); density there ≈ 2.36, sd ≈ 1 / (2 f √n) ≈ 0.0106
    for (const b of await v.b!.data()) expect(Math.abs(b - 0.26445)).toBeLessThan(4 * 0.0106);
    tf.dispose([p, ...Object.values(v)]);
    const small = await ld.initialPosition(key(6), { strategy: initToMedian() });
    expect(small.shape).toEqual([5]);
    small.dispose();
  });

  it('is reproducible for the same key', async () => {
    const a = await ld.initialPosition(key(9), { numChains: 2 });
    const b = await ld.initialPosition(key(9), { numChains: 2 });
    await expect(a).toBeCloseTensor(b, { rtol: 0, atol: 0 });
    tf.dispose([a, b]);
  });

  it('does not leak', async () => {
    for (const strategy of [initToUniform(), initToFeasible(), initToValue({ mu: 0.2 }), initToSample(), initToMedian()]) {
      await expectNoLeaks(() => ld.initialPosition(key(1), { strategy, numChains: 2 }));
      await expectNoLeaks(() => ld.initialPosition(key(1), { strategy }));
    }
  });
});

describe('no finite initial log density', () => {
  it('names a factor of -Infinity', async () => {
    const m = (ctx: ModelContext) => {
      ctx.sample('w', new Normal({ loc: 0, scale: 1 }));
      ctx.factor('wall', tf.scalar(-Infinity));
    };
    const ld = logDensity(m, []);
    await expect(ld.initialPosition(key(0), { maxTries: 3 })).rejects.toThrow(/in 3 tries.*site 'wall' has log density -Infinity/);
    await expect(ld.initialPosition(key(0), { maxTries: 2, numChains: 2 })).rejects.toThrow(/for chain 0 in 2 tries/);
    await expectNoLeaks(() => ld.initialPosition(key(0), { maxTries: 2 }).catch(() => undefined));
    ld.dispose();
  });

  it('names an observed value outside its support, and not the finite sites', async () => {
    const m = (ctx: ModelContext) => {
      const s = ctx.sample('s', new HalfNormal({ scale: 1 }));
      ctx.sample('obs', new HalfNormal({ scale: s }), { obs: -1 });
    };
    const ld = logDensity(m, []);
    const err = await ld.initialPosition(key(0), { maxTries: 4 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/site 'obs' has log density -Infinity/);
    expect(err!.message).not.toMatch(/site 's'/);
    ld.dispose();
  });
});
