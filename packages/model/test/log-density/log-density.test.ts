import * as tf from '@tensorflow/tfjs-core';
import {
  Beta,
  Dirichlet,
  Gamma,
  HalfNormal,
  Independent,
  LKJCholesky,
  LogNormal,
  MultivariateNormalTriL,
  Normal,
  Uniform,
  lowerCholesky,
  type Constraint,
} from '@probdl/distributions';
import { jacobian, key, valueAndGrad } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logDensity, logJoint, type LogDensityModel } from '../../src/index.js';
import type { ModelContext } from '../../src/types.js';
import {
  betaLp,
  corrCholesky,
  dirichletLp,
  gammaLp,
  halfNormalLp,
  intervalMap,
  lkjUnnormalised,
  logAbsDet,
  logNormalLp,
  mvnTrilLp,
  normalLp,
  positiveMap,
  stickBreaking,
} from './host.js';

const Y = [0.3, -0.2, 1.1, 0.5];
const ALPHA = [1, 2, 3];
const TRIL = [
  [1, 0],
  [0.5, 1],
];

/** Every kind of continuous support, in plates; broadcasts over a leading batch of positions. */
function full(ctx: ModelContext, y: tf.Tensor) {
  const mu = ctx.sample('mu', new Normal({ loc: 0, scale: 1 }));
  const tau = ctx.sample('tau', new HalfNormal({ scale: 1 }));
  ctx.plate('groups', 3, () => {
    ctx.sample('g', new Gamma({ concentration: 2, rate: 1.5 }));
    ctx.sample('ln', new LogNormal({ loc: 0.5, scale: 0.8 }));
    ctx.sample('u', new Uniform({ low: -1, high: 2 }));
    ctx.sample('b', new Beta({ concentration1: 2, concentration0: 3 }));
    ctx.sample('p', new Dirichlet({ concentration: ALPHA }));
  });
  ctx.sample('x', new MultivariateNormalTriL({ loc: [0, 0], scaleTril: TRIL }));
  ctx.sample('L', new LKJCholesky({ dimension: 3, concentration: 2 }));
  ctx.plate('data', 4, () => ctx.sample('y', new Normal({ loc: tf.expandDims(mu, -1), scale: tf.expandDims(tau, -1) }), { obs: y }));
}

/** A deterministic position with entries in (-1.5, 1.5). */
function positionValues(d: number, phase = 0): number[] {
  return Array.from({ length: d }, (_, i) => 1.4 * Math.sin(1.7 * i + 0.3 + phase));
}

/** The host joint of `full` plus log-Jacobians, at a flat position (float32-rounded values), without the LKJ normaliser. */
function hostFull(pos: ArrayLike<number>): number {
  const p = Array.from(pos);
  let at = 0;
  const take = (n: number) => p.slice(at, (at += n));
  let total = 0;
  const [mu] = take(1) as [number];
  total += normalLp(mu, 0, 1);
  const tau = positiveMap(take(1)[0]!);
  total += halfNormalLp(tau.y, 1) + tau.ldj;
  for (const x of take(3)) {
    const m = positiveMap(x);
    total += gammaLp(m.y, 2, 1.5) + m.ldj;
  }
  for (const x of take(3)) {
    const m = positiveMap(x);
    total += logNormalLp(m.y, 0.5, 0.8) + m.ldj;
  }
  for (const x of take(3)) total += -Math.log(3) + intervalMap(x, -1, 2).ldj;
  for (const x of take(3)) {
    const m = intervalMap(x, 0, 1);
    total += betaLp(m.y, 2, 3) + m.ldj;
  }
  for (let g = 0; g < 3; g++) {
    const s = stickBreaking(take(2));
    total += dirichletLp(s.y, ALPHA) + s.ldj;
  }
  total += mvnTrilLp(take(2), [0, 0], TRIL);
  const c = corrCholesky(take(3), 3);
  total += lkjUnnormalised(c.L, 2) + c.ldj;
  for (const y of Y) total += normalLp(y, mu, tau.y);
  return total;
}

describe('logDensity on a model with every continuous support', () => {
  const D = 25;
  let y: tf.Tensor;
  let ld: LogDensityModel;
  beforeAll(() => {
    y = tf.tensor1d(Y);
    ld = logDensity(full, [y]);
  });
  afterAll(() => {
    ld.dispose();
    y.dispose();
  });

  it('finds the latent sites, their shapes, blocks and constraints', () => {
    expect(ld.dim).toBe(D);
    expect(ld.sites.map((s) => s.name)).toEqual(['mu', 'tau', 'g', 'ln', 'u', 'b', 'p', 'x', 'L']);
    const byName = Object.fromEntries(ld.sites.map((s) => [s.name, s]));
    expect(byName.p!.shape).toEqual([3, 3]);
    expect(byName.p!.unconstrainedShape).toEqual([3, 2]);
    expect(byName.L!.shape).toEqual([3, 3]);
    expect(byName.L!.unconstrainedShape).toEqual([3]);
    expect(byName.x!.offset).toBe(20);
    expect(byName.x!.size).toBe(2);
    expect(byName.tau!.constraint.name).toBe('nonNegative');
  });

  it('logDensityFn equals a float64 host joint plus log-Jacobians', async () => {
    const pos = tf.tensor1d(positionValues(D));
    const lkjLogZ = tf.tidy(() => new LKJCholesky({ dimension: 3, concentration: 2 }).logProb(tf.eye(3))); // -log Z (log L_ii = 0 at I)
    const expected = hostFull(await pos.data()) + (await lkjLogZ.data())[0]!;
    const lp = ld.logDensityFn(pos);
    expect(lp.shape).toEqual([]);
    await expect(lp).toBeCloseTensor(expected, { rtol: 2e-5, atol: 1e-3 });
    const pot = ld.potentialFn(pos);
    await expect(pot).toBeCloseTensor(-expected, { rtol: 2e-5, atol: 1e-3 });
    tf.dispose([pos, lkjLogZ, lp, pot]);
  });

  it('constrain lands in each support and unconstrain inverts it, batched too', async () => {
    const pos = tf.tensor2d([positionValues(D), positionValues(D, 1), positionValues(D, 2)]);
    const values = ld.constrain(pos);
    expect(values.p!.shape).toEqual([3, 3, 3]);
    expect(values.L!.shape).toEqual([3, 3, 3]);
    for (const s of ld.sites) {
      if (s.name === 'u') continue; // bounds come from each run (Uniform's tensor interval)
      const ok = s.constraint.check(values[s.name]!);
      expect(await ok.data(), s.name).toSatisfy((a: Uint8Array) => a.every((v) => v === 1));
      ok.dispose();
    }
    const u = await values.u!.data();
    expect(Array.from(u).every((v) => v > -1 && v < 2)).toBe(true);
    const back = ld.unconstrain(values);
    await expect(back).toBeCloseTensor(pos, { atol: 2e-4 });
    // one row at a time gives the same
    const row = tf.tidy(() => tf.squeeze(tf.slice(pos, [1, 0], [1, D]), [0]));
    const one = ld.constrain(row);
    await expect(one.p!).toBeCloseTensor(tf.tidy(() => tf.squeeze(tf.slice(values.p!, [1, 0, 0], [1, 3, 3]), [0])), { atol: 1e-6 });
    tf.dispose([pos, back, row, ...Object.values(values), ...Object.values(one)]);
  });

  it('batched positions [C, D] give the values and gradients of each row', async () => {
    const rows = [positionValues(D), positionValues(D, 0.5), positionValues(D, 1.5)];
    const pos = tf.tensor2d(rows);
    const lp = ld.logDensityFn(pos);
    expect(lp.shape).toEqual([3]);
    const [, gBatch] = valueAndGrad((p: tf.Tensor) => tf.sum(ld.logDensityFn(p)))(pos);
    const lpData = await lp.data();
    const gData = await gBatch.data();
    for (let c = 0; c < 3; c++) {
      const r = tf.tensor1d(rows[c]!);
      const [v, g] = valueAndGrad((p: tf.Tensor) => ld.logDensityFn(p))(r);
      expect(lpData[c]).toBeCloseTo((await v.data())[0]!, 3);
      await expect(g).toBeCloseTensor(Array.from(gData.slice(c * D, (c + 1) * D)), { rtol: 1e-4, atol: 1e-4 });
      tf.dispose([r, v, g]);
    }
    tf.dispose([pos, lp, gBatch]);
  });

  it('logJoint is logDensityFn without the log-Jacobian', async () => {
    const pos = tf.tensor1d(positionValues(D));
    const values = ld.constrain(pos);
    const lj = logJoint(full, [y], values);
    const lpd = ld.logDensityFn(pos);
    const hostLdj = (() => {
      const p = positionValues(D);
      let s = p[1]! + p.slice(2, 8).reduce((a, v) => a + v, 0);
      for (let i = 8; i < 11; i++) s += intervalMap(p[i]!, -1, 2).ldj;
      for (let i = 11; i < 14; i++) s += intervalMap(p[i]!, 0, 1).ldj;
      for (let g = 0; g < 3; g++) s += stickBreaking(p.slice(14 + 2 * g, 16 + 2 * g)).ldj;
      return s + corrCholesky(p.slice(22, 25), 3).ldj;
    })();
    const diff = tf.sub(lpd, lj);
    await expect(diff).toBeCloseTensor(hostLdj, { atol: 2e-3 });
    tf.dispose([pos, lj, lpd, diff, ...Object.values(values)]);
  });

  it('does not leak', async () => {
    const pos = tf.tensor2d([positionValues(D), positionValues(D, 1)]);
    const values = ld.constrain(pos);
    await expectNoLeaks(() => ld.logDensityFn(pos));
    await expectNoLeaks(() => ld.potentialFn(pos));
    await expectNoLeaks(() => valueAndGrad((p: tf.Tensor) => tf.sum(ld.logDensityFn(p)))(pos));
    await expectNoLeaks(() => ld.constrain(pos));
    await expectNoLeaks(() => ld.unconstrain(values));
    const row = tf.tidy(() => tf.squeeze(tf.slice(pos, [0, 0], [1, D]), [0]));
    const rowValues = ld.constrain(row);
    await expectNoLeaks(() => logJoint(full, [y], rowValues));
    tf.dispose([row, ...Object.values(rowValues)]);
    await expectNoLeaks(() => logDensity(full, [y]).dispose());
    tf.dispose([pos, ...Object.values(values)]);
  });
});

/** Independent Normals on a 2x2 matrix, declared with support lowerCholesky (no family has that support). */
class TriLNormal extends Independent {
  constructor() {
    super({ distribution: new Normal({ loc: tf.zeros([2, 2]), scale: 1 }), reinterpretedBatchNdims: 2 });
  }
  override get support(): Constraint {
    return lowerCholesky;
  }
}

/** A small model for the Jacobian check: real, positive, interval, simplex, corrCholesky, lowerCholesky. */
function small(ctx: ModelContext) {
  ctx.sample('mu', new Normal({ loc: 0, scale: 1 }));
  ctx.sample('tau', new HalfNormal({ scale: 2 }));
  ctx.plate('two', 2, () => ctx.sample('u', new Uniform({ low: 0, high: 3 })));
  ctx.sample('p', new Dirichlet({ concentration: [1, 1, 1] }));
  ctx.sample('L', new LKJCholesky({ dimension: 3, concentration: 1.5 }));
  ctx.sample('S', new TriLNormal());
}

it('the log-Jacobian term equals log|det| of the autodiff Jacobian of constrain (float64 on the host)', async () => {
  const ld = logDensity(small, []);
  expect(ld.dim).toBe(12);
  const pos = tf.tensor1d([0.3, -0.4, 0.8, -1.1, 0.2, 0.6, -0.5, 0.7, 0.25, -0.3, 0.9, 0.4]);
  // constrain onto the free coordinates: mu, tau, u0, u1, p0, p1, L10, L20, L21, S00, S10, S11
  const free = (p: tf.Tensor) =>
    tf.tidy(() => {
      const v = ld.constrain(p);
      const L = tf.reshape(v.L!, [9]);
      return tf.concat([
        tf.reshape(v.mu!, [1]),
        tf.reshape(v.tau!, [1]),
        v.u!,
        tf.slice(v.p!, [0], [2]),
        tf.gather(L, tf.tensor1d([3, 6, 7], 'int32')),
        tf.gather(tf.reshape(v.S!, [4]), tf.tensor1d([0, 2, 3], 'int32')),
      ]);
    });
  const J = jacobian(free)(pos);
  expect(J.shape).toEqual([12, 12]);
  const j = await J.data();
  const rows = Array.from({ length: 12 }, (_, r) => Array.from(j.slice(r * 12, r * 12 + 12), Number));
  const expected = logAbsDet(rows);
  const values = ld.constrain(pos);
  const lj = logJoint(small, [], values);
  const lpd = ld.logDensityFn(pos);
  const ldjTerm = tf.sub(lpd, lj);
  await expect(ldjTerm).toBeCloseTensor(expected, { atol: 2e-3 });
  // lowerCholesky lands in its support and round-trips
  const inS = lowerCholesky.check(values.S!);
  expect(Array.from(await inS.data())).toEqual([1]);
  const back = ld.unconstrain(values);
  await expect(back).toBeCloseTensor(pos, { atol: 1e-4 });
  tf.dispose([pos, J, lj, lpd, ldjTerm, inS, back, ...Object.values(values)]);
  ld.dispose();
});

it('a support that depends on another site (Uniform(0, sigma)) is rebuilt at every run, batched too', async () => {
  const model = (ctx: ModelContext) => {
    const sigma = ctx.sample('sigma', new HalfNormal({ scale: 2 }));
    ctx.sample('u', new Uniform({ low: 0, high: sigma }));
  };
  const ld = logDensity(model, []);
  const rows = [
    [0.3, -0.7],
    [-1.2, 1.5],
    [2.0, 0.1],
  ];
  const host = ([a, b]: number[]) => {
    const s = positiveMap(a!);
    const u = intervalMap(b!, 0, s.y);
    return halfNormalLp(s.y, 2) + s.ldj - Math.log(s.y) + u.ldj;
  };
  const pos = tf.tensor2d(rows);
  const lp = ld.logDensityFn(pos);
  await expect(lp).toBeCloseTensor(rows.map(host), { rtol: 1e-5, atol: 1e-5 });
  const values = ld.constrain(pos);
  const sig = await values.sigma!.data();
  const u = await values.u!.data();
  for (let c = 0; c < 3; c++) expect(u[c]! > 0 && u[c]! < sig[c]!).toBe(true);
  const back = ld.unconstrain(values);
  await expect(back).toBeCloseTensor(rows, { atol: 1e-4 });
  const [, g] = valueAndGrad((p: tf.Tensor) => tf.sum(ld.logDensityFn(p)))(pos);
  expect((await g.data()).every(Number.isFinite)).toBe(true);
  await expectNoLeaks(() => ld.constrain(pos));
  await expectNoLeaks(() => ld.unconstrain(values));
  await expectNoLeaks(() => ld.logDensityFn(pos));
  tf.dispose([pos, lp, back, g, ...Object.values(values)]);
  ld.dispose();
});

it('a model without latent sites has D = 0', async () => {
  const model = (ctx: ModelContext) => void ctx.sample('y', new Normal({ loc: 0, scale: 1 }), { obs: 0.5 });
  const ld = logDensity(model, []);
  expect(ld.dim).toBe(0);
  const p = tf.zeros([0]);
  const lp = ld.logDensityFn(p);
  await expect(lp).toBeCloseTensor(normalLp(0.5, 0, 1), { rtol: 1e-6 });
  const init = await ld.initialPosition(key(0));
  expect(init.shape).toEqual([0]);
  const u = ld.unconstrain({});
  expect(u.shape).toEqual([0]);
  tf.dispose([p, lp, init, u]);
  ld.dispose();
});
