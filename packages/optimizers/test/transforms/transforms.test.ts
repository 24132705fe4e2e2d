import * as tf from '@tensorflow/tfjs-core';
import { key, toFloat64Array, tree, type Tree } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { applyUpdates } from '../../src/apply-updates.js';
import type { GradientTransformation, Schedule } from '../../src/types.js';
import {
  addDecayedWeights,
  addNoise,
  resolveMask,
  scale,
  scaleByAdadelta,
  scaleByAdam,
  scaleByAdamax,
  scaleByBelief,
  scaleByLearningRate,
  scaleByLion,
  scaleByNadam,
  scaleByRadam,
  scaleByRms,
  scaleByRss,
  scaleBySchedule,
  scaleByStddev,
  scaleByTrustRatio,
  trace,
} from '../../src/transforms/index.js';
import { adabelief, adadelta, adagrad, adam, adamax, adamw, lamb, lion, nadam, noisySgd, radam, rmsprop, sgd } from '../../src/optimizers/index.js';

const params = () => ({ b: tf.scalar(0.5), w: tf.tensor1d([1, -2]) });
const grads = () => ({ b: tf.scalar(0.25), w: tf.tensor1d([0.5, 1]) });

const transforms: [string, () => GradientTransformation][] = [
  ['scale', () => scale(2)],
  ['scaleBySchedule', () => scaleBySchedule((c) => tf.div(1, tf.add(tf.cast(c, 'float32'), 1)) as tf.Scalar)],
  ['scaleByLearningRate', () => scaleByLearningRate(0.1)],
  ['scaleByLearningRate(schedule)', () => scaleByLearningRate(() => tf.scalar(0.1))],
  ['scaleByAdam', () => scaleByAdam()],
  ['scaleByNadam', () => scaleByNadam()],
  ['scaleByAdamax', () => scaleByAdamax()],
  ['scaleByRadam', () => scaleByRadam()],
  ['scaleByBelief', () => scaleByBelief()],
  ['scaleByRms', () => scaleByRms({ initialScale: 1 })],
  ['scaleByStddev', () => scaleByStddev()],
  ['scaleByRss', () => scaleByRss()],
  ['scaleByAdadelta', () => scaleByAdadelta()],
  ['scaleByLion', () => scaleByLion()],
  ['trace', () => trace({ decay: 0.9 })],
  ['trace nesterov', () => trace({ decay: 0.9, nesterov: true })],
  ['scaleByTrustRatio', () => scaleByTrustRatio()],
  ['addDecayedWeights', () => addDecayedWeights(0.1, { b: false, w: true })],
  ['addNoise', () => addNoise(0.01, 0.55, key(0))],
];

const optimizers: [string, () => GradientTransformation][] = [
  ['sgd', () => sgd(0.01)],
  ['sgd momentum', () => sgd(0.01, { momentum: 0.9, nesterov: true })],
  ['adam', () => adam(0.01)],
  ['nadam', () => nadam(0.01)],
  ['adamw', () => adamw(0.01, { mask: (p) => ({ b: false, w: tree.leaves(p).length > 0 }) })],
  ['adamax', () => adamax(0.01)],
  ['radam', () => radam(0.01)],
  ['rmsprop', () => rmsprop(0.01, { centered: true, momentum: 0.9 })],
  ['adagrad', () => adagrad(0.01)],
  ['adadelta', () => adadelta(1, { weightDecay: 0.01 })],
  ['adabelief', () => adabelief(0.01)],
  ['lamb', () => lamb(0.01, { weightDecay: 0.01 })],
  ['lion', () => lion(0.001)],
  ['noisySgd', () => noisySgd(0.01, key(3))],
];

const tensorsOf = (t: unknown): tf.Tensor[] => {
  const out: tf.Tensor[] = [];
  const walk = (x: unknown): void => {
    if (x instanceof tf.Tensor) out.push(x);
    else if (Array.isArray(x)) x.forEach(walk);
    else if (x !== null && typeof x === 'object') Object.values(x).forEach(walk);
  };
  walk(t);
  return out;
};

describe('ownership and leaks', () => {
  it.each([...transforms, ...optimizers])('%s: init and update leave nothing behind and return fresh tensors', async (_name, make) => {
    const tx = make();
    const p = params();
    const g = grads();
    await expectNoLeaks(() => tx.init(p));
    const s0 = tx.init(p);
    await expectNoLeaks(() => tx.update(g, s0, p));
    const [u, s1] = tx.update(g, s0, p);
    const old = new Set([...tensorsOf(p), ...tensorsOf(g), ...tensorsOf(s0)]);
    const outU = tensorsOf(u);
    const outS = tensorsOf(s1);
    for (const t of [...outU, ...outS]) expect(old.has(t)).toBe(false);
    for (const t of outU) expect(outS.includes(t)).toBe(false);
    // A second update from the new state, after the old state and the inputs' intermediates are gone.
    tree.dispose([u, s0]);
    const [u2, s2] = tx.update(g, s1, p);
    expect(tensorsOf(u2).every((t) => !t.isDisposed)).toBe(true);
    tree.dispose([u2, s1, s2, p, g]);
  });

  it.each(optimizers)('%s: a 1,000-step loop returns tf.memory() to where it started', async (_name, make) => {
    const before = tf.memory().numTensors;
    const tx = make();
    let p: Tree = params();
    let s = tx.init(p);
    const target = tf.tensor1d([0.3, 0.7]);
    for (let i = 0; i < 1000; i++) {
      // Gradient of 0.5‖w − target‖² + 0.5 b².
      const g = tf.tidy(() => ({ b: tf.clone((p as { b: tf.Tensor }).b), w: tf.sub((p as { w: tf.Tensor }).w, target) }));
      const [u, next] = tx.update(g, s, p);
      const nextP: Tree = applyUpdates(p, u);
      tree.dispose([g, u, s, p]);
      p = nextP;
      s = next;
    }
    const w = await toFloat64Array((p as { w: tf.Tensor }).w);
    expect(w.every(Number.isFinite)).toBe(true);
    tree.dispose([p, s, target]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('option validation', () => {
  it('names the option and the value', () => {
    expect(() => scaleByAdam({ b1: 1 })).toThrow(/scaleByAdam: b1 must be in \[0, 1\), got 1/);
    expect(() => scaleByAdam({ b2: -0.1 })).toThrow(/scaleByAdam: b2 .* got -0.1/);
    expect(() => scaleByAdam({ eps: -1 })).toThrow(/scaleByAdam: eps .* got -1/);
    expect(() => scaleByAdam({ epsRoot: Number.NaN })).toThrow(/scaleByAdam: epsRoot must be a finite number, got NaN/);
    expect(() => scaleByAdam({ nesterov: 'yes' as never })).toThrow(/scaleByAdam: nesterov must be a boolean/);
    expect(() => scaleByRadam({ threshold: 4 })).toThrow(/scaleByRadam: threshold must be in \(4, inf\), got 4/);
    expect(() => scaleByAdamax({ b1: 2 })).toThrow(/scaleByAdamax: b1/);
    expect(() => scaleByBelief({ epsRoot: -1 })).toThrow(/scaleByBelief: epsRoot/);
    expect(() => scaleByRms({ decay: 1 })).toThrow(/scaleByRms: decay/);
    expect(() => scaleByRms({ initialScale: -1 })).toThrow(/scaleByRms: initialScale/);
    expect(() => scaleByStddev({ eps: -1 })).toThrow(/scaleByStddev: eps/);
    expect(() => scaleByRss({ initialAccumulatorValue: -1 })).toThrow(/scaleByRss: initialAccumulatorValue/);
    expect(() => scaleByAdadelta({ rho: 1.5 })).toThrow(/scaleByAdadelta: rho/);
    expect(() => scaleByLion({ b2: 1 })).toThrow(/scaleByLion: b2/);
    expect(() => trace({ decay: -0.5 })).toThrow(/trace: decay .* got -0.5/);
    expect(() => scaleByTrustRatio({ trustCoefficient: -1 })).toThrow(/scaleByTrustRatio: trustCoefficient/);
    expect(() => scale(Number.POSITIVE_INFINITY)).toThrow(/scale: step must be a finite number/);
    expect(() => scaleBySchedule(0.1 as never)).toThrow(/scaleBySchedule: schedule must be a function/);
    expect(() => scaleByLearningRate(-0.1)).toThrow(/scaleByLearningRate: lr \(learning rate\) .* got -0.1/);
    expect(() => scaleByLearningRate('0.1' as never)).toThrow(/lr \(learning rate\) must be a finite number/);
    expect(() => addDecayedWeights(-1)).toThrow(/addDecayedWeights: weightDecay .* got -1/);
    expect(() => addNoise(-1, 0.5, key(0))).toThrow(/addNoise: eta/);
    expect(() => addNoise(0.1, 0.5, 42 as never)).toThrow(/addNoise: key must be a PRNGKey/);
  });

  it('optimizers validate through their parts', () => {
    expect(() => sgd(-1)).toThrow(/lr \(learning rate\).*-1/);
    expect(() => sgd(0.1, { nesterov: true })).toThrow(/sgd: nesterov needs a momentum/);
    expect(() => sgd(0.1, { momentum: -0.9 })).toThrow(/sgd: momentum .* got -0.9/);
    expect(() => adam(0.1, { b1: 1.5 })).toThrow(/scaleByAdam: b1/);
    expect(() => adamw(0.1, { weightDecay: -1 })).toThrow(/addDecayedWeights: weightDecay/);
    expect(() => rmsprop(0.1, { decay: 2 })).toThrow(/scaleByRms: decay/);
    expect(() => rmsprop(0.1, { centered: true, decay: 2 })).toThrow(/scaleByStddev: decay/);
    expect(() => rmsprop(0.1, { nesterov: true })).toThrow(/rmsprop: nesterov needs a momentum/);
    expect(() => lion(0.1, { b1: -1 })).toThrow(/scaleByLion: b1/);
    expect(() => noisySgd(0.1, key(0), { gamma: -1 })).toThrow(/addNoise: gamma/);
  });

  it('transformations that read the parameters say so when they are missing', () => {
    const g = grads();
    expect(() => addDecayedWeights(0.1).update(g, {})).toThrow(/addDecayedWeights: this transformation needs the current parameters/);
    expect(() => scaleByTrustRatio().update(g, {})).toThrow(/scaleByTrustRatio: this transformation needs the current parameters/);
    const tx = lamb(0.1);
    const s = tx.init(g);
    expect(() => tx.update(g, s)).toThrow(/needs the current parameters/);
    tree.dispose([g, s]);
  });
});

describe('addDecayedWeights', () => {
  it('decays every leaf without a mask, and only the masked leaves with one', async () => {
    const p = params();
    const g = grads();
    const [all] = addDecayedWeights(0.5).update(g, {}, p);
    await expect(all).toBeCloseTree({ b: 0.25 + 0.25, w: [0.5 + 0.5, 1 - 1] });
    const [masked] = addDecayedWeights(0.5, { b: false, w: true }).update(g, {}, p);
    await expect(masked).toBeCloseTree({ b: 0.25, w: [1, 0] });
    const [byFn] = addDecayedWeights(0.5, (q) => ({ b: true, w: tree.leaves(q).length > 5 })).update(g, {}, p);
    await expect(byFn).toBeCloseTree({ b: 0.5, w: [0.5, 1] });
    tree.dispose([p, g, all, masked, byFn]);
  });

  it('accepts a mask that is a prefix of the parameter tree', async () => {
    const p = { layers: [{ w: tf.tensor1d([1]) }, { w: tf.tensor1d([2]) }], bias: tf.scalar(4) };
    const g = tree.map(() => tf.scalar(0), p as Tree);
    expect(resolveMask('t', { layers: true, bias: false }, p)).toEqual([false, true, true]);
    expect(resolveMask('t', { layers: [false, true], bias: true }, p)).toEqual([true, false, true]);
    const [u] = addDecayedWeights(1, { layers: [true, false], bias: false }).update(
      { layers: [{ w: tf.tensor1d([0]) }, { w: tf.tensor1d([0]) }], bias: tf.scalar(0) },
      {},
      p,
    );
    await expect(u).toBeCloseTree({ layers: [{ w: [1] }, { w: [0] }], bias: 0 });
    tree.dispose([p, g, u]);
  });

  it('names where a mask does not fit the parameters', () => {
    const p = params();
    const g = grads();
    expect(() => addDecayedWeights(1, { w: true } as never).update(g, {}, p)).toThrow(/addDecayedWeights: mask has no entry for b/);
    expect(() => addDecayedWeights(1, { b: true, w: [true, false] }).update(g, {}, p)).toThrow(/mask must be a boolean at w/);
    expect(() => addDecayedWeights(1, [true] as never).update(g, {}, p)).toThrow(/mask differs from the parameters at the root/);
    tree.dispose([p, g]);
  });

  it('adamw with a mask decays only the masked leaves', async () => {
    // With b1 = b2 = 0 Adam's direction is g/(|g| + eps) = sign(g); the decay adds wd·p on w only.
    const p = params();
    const g = grads();
    const tx = adamw(0.1, { b1: 0, b2: 0, eps: 0, weightDecay: 0.5, mask: { b: false, w: true } });
    const s = tx.init(p);
    const [u, s1] = tx.update(g, s, p);
    await expect(u).toBeCloseTree({ b: -0.1, w: [-0.1 * (1 + 0.5), -0.1 * (1 - 1)] });
    tree.dispose([p, g, s, u, s1]);
  });
});

describe('schedules as learning rates', () => {
  it('evaluates the schedule at the count before the step (0, 1, 2, ...) and flips its sign', async () => {
    const halving: Schedule = (c) => tf.mul(0.1, tf.pow(tf.scalar(0.5), tf.cast(c, 'float32'))) as tf.Scalar;
    const tx = sgd(halving);
    const g = { w: tf.ones([2]) };
    let s = tx.init(g);
    for (const expected of [-0.1, -0.05, -0.025]) {
      const [u, next] = tx.update(g, s);
      await expect(u).toBeCloseTree({ w: [expected, expected] });
      tree.dispose([u, s]);
      s = next;
    }
    tree.dispose([g, s]);
  });

  it('flipSign: false keeps the sign; a schedule inside adam scales its direction', async () => {
    const g = { w: tf.tensor1d([2, -3]) };
    const [u] = scaleByLearningRate(0.5, { flipSign: false }).update(g, {});
    await expect(u).toBeCloseTree({ w: [1, -1.5] });
    // Adam's first direction is sign(g) (up to eps); lr(0) = 0.2.
    const tx = adam((c) => tf.add(0.2, tf.cast(c, 'float32')) as tf.Scalar);
    const s = tx.init(g);
    const [ua, s1] = tx.update(g, s);
    await expect(ua).toBeCloseTree({ w: [-0.2, 0.2] }, { rtol: 1e-5 });
    const [ub, s2] = tx.update(g, s1);
    await expect(ub).toBeCloseTree({ w: [-1.2, 1.2] }, { rtol: 1e-5 });
    tree.dispose([g, u, s, ua, s1, ub, s2]);
  });
});

describe('noisySgd', () => {
  async function trajectory(k: ReturnType<typeof key>, eta = 0.1): Promise<number[]> {
    const tx = noisySgd(0.1, k, { eta });
    let p: Tree = { a: tf.tensor1d([1, 2, 3]), b: tf.scalar(-1) };
    let s = tx.init(p);
    for (let i = 0; i < 10; i++) {
      const g: Tree = tree.map((x: tf.Tensor | number) => tf.mul(x, 2), p as Tree);
      const [u, next] = tx.update(g, s, p);
      const nextP: Tree = applyUpdates(p, u);
      tree.dispose([g, u, s, p]);
      p = nextP;
      s = next;
    }
    const out = (await Promise.all(tree.leaves(p).map((l) => toFloat64Array(l as tf.Tensor)))).flatMap((a) => Array.from(a));
    tree.dispose([p, s]);
    return out;
  }

  it('is deterministic for a fixed key and differs between keys', async () => {
    const a = await trajectory(key(11));
    const b = await trajectory(key(11));
    const c = await trajectory(key(12));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(Math.max(...a.map((x, i) => Math.abs(x - c[i]!)))).toBeGreaterThan(1e-3);
  });

  it('with eta = 0 is plain SGD, and keeps its key in the state as host words', async () => {
    const plain = await trajectory(key(11), 0);
    // p ← p − 0.1·2p = 0.8p for 10 steps; leaves in tree order a, b.
    const expected = [1, 2, 3, -1].map((x) => x * 0.8 ** 10);
    plain.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 6));
    const s = addNoise(0.1, 0.5, key(5)).init({});
    expect(s.rngKey).toEqual([0, 5]);
    expect(tree.leaves(s as Tree)).toHaveLength(3);
    tree.dispose(s);
  });
});

describe('single transformations', () => {
  it('trace accumulates g + decay·t; nesterov returns g + decay·t_new', async () => {
    const g = { w: tf.tensor1d([1]) };
    for (const [nesterov, first, second] of [
      [false, 1, 1.5],
      [true, 1.5, 1 + 0.5 * 1.5],
    ] as const) {
      const tx = trace({ decay: 0.5, nesterov });
      const s0 = tx.init(g);
      const [u1, s1] = tx.update(g, s0);
      const [u2, s2] = tx.update(g, s1);
      await expect(u1).toBeCloseTree({ w: [first] });
      await expect(u2).toBeCloseTree({ w: [second] });
      tree.dispose([s0, u1, s1, u2, s2]);
    }
    tree.dispose(g);
  });

  it('scaleByTrustRatio uses per-leaf norms and a ratio of 1 where a norm is 0', async () => {
    const p = { a: tf.tensor1d([3, 4]), z: tf.tensor1d([0, 0]) };
    const u = { a: tf.tensor1d([0, 1]), z: tf.tensor1d([2, 0]) };
    const [out] = scaleByTrustRatio().update(u, {}, p);
    await expect(out).toBeCloseTree({ a: [0, 5], z: [2, 0] });
    tree.dispose([p, u, out]);
  });

  it('scaleByRms places eps inside or outside the root; initialScale seeds the average', async () => {
    const g = { w: tf.tensor1d([2]) };
    // nu = 0.9·1 + 0.1·4 = 1.3
    const inside = scaleByRms({ initialScale: 1, eps: 0.1 });
    const outside = scaleByRms({ initialScale: 1, eps: 0.1, epsInSqrt: false });
    const [ia, ib] = [inside.init(g), outside.init(g)];
    const [a, sa] = inside.update(g, ia);
    const [b, sb] = outside.update(g, ib);
    await expect(a).toBeCloseTree({ w: [2 / Math.sqrt(1.4)] });
    await expect(b).toBeCloseTree({ w: [2 / (Math.sqrt(1.3) + 0.1)] });
    // Centred: mu = 0.2, nu = 0.4 (from 0), u = 2 / sqrt(0.4 − 0.04 + 0.1).
    const c = scaleByStddev({ eps: 0.1 });
    const ic = c.init(g);
    const [u, sc] = c.update(g, ic);
    await expect(u).toBeCloseTree({ w: [2 / Math.sqrt(0.46)] });
    tree.dispose([g, ia, ib, ic, a, sa, b, sb, u, sc]);
  });

  it('scaleByRss gives 0 where the accumulated sum is 0', async () => {
    const g = { w: tf.tensor1d([0, 3]) };
    const tx = scaleByRss({ initialAccumulatorValue: 0 });
    const s = tx.init(g);
    const [u, s1] = tx.update(g, s);
    await expect(u).toBeCloseTree({ w: [0, 3 / Math.sqrt(9 + 1e-7)] });
    tree.dispose([g, s, u, s1]);
  });

  it('scaleByRadam returns the bias-corrected momentum before rectification starts', async () => {
    const g = { w: tf.tensor1d([2, -4]) };
    const tx = scaleByRadam();
    const s = tx.init(g);
    const [u, s1] = tx.update(g, s);
    await expect(u).toBeCloseTree({ w: [2, -4] }, { rtol: 1e-5 });
    tree.dispose([g, s, u, s1]);
  });
});
