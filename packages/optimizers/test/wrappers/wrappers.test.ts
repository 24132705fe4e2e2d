import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { applyIfFinite, flipSign, injectHyperparams, maximize, multiSteps, multiTransform } from '../../src/wrappers/index.js';
import { twoPhaseSchedule } from '../../src/schedules/index.js';
import { applyUpdates } from '../../src/apply-updates.js';
import type { GradientTransformation, Schedule } from '../../src/types.js';
import { HostAdam, localAdam, localMomentum, localSgd } from './local-transforms.js';

const f32 = Math.fround;
const data = async (t: Tree): Promise<number[]> => Array.from(await (t as tf.Tensor).data());

describe('multiTransform', () => {
  const params = () => ({ loc: tf.tensor1d([1, 2]), logScale: tf.tensor1d([-1]), net: { w: tf.tensor2d([[1, 2]]), b: tf.scalar(0) } });
  const grads = () => ({ loc: tf.tensor1d([0.5, -1]), logScale: tf.tensor1d([2]), net: { w: tf.tensor2d([[3, -4]]), b: tf.scalar(1) } });

  it('routes each labelled subtree to its own transformation (prefix labels)', async () => {
    const p = params();
    const g = grads();
    const tx = multiTransform({ means: localSgd(0.1), scales: localMomentum(0.01, 0.5) }, { loc: 'means', logScale: 'scales', net: 'means' });
    let state = tx.init(p);
    // Each inner state sees the other label's leaves as null (empty subtrees).
    const inner = state.innerStates as { scales: { trace: Record<string, unknown> } };
    expect(inner.scales.trace.loc).toBeNull();
    expect(inner.scales.trace.logScale).toBeInstanceOf(tf.Tensor);
    const [u1, s1] = tx.update(g, state, p);
    // Products in float32, exactly as the inner transformations compute them.
    expect(await data((u1 as { loc: Tree }).loc)).toEqual([-f32(f32(0.1) * 0.5), -f32(f32(0.1) * -1)]);
    expect(await data((u1 as { logScale: Tree }).logScale)).toEqual([-f32(f32(0.01) * 2)]);
    expect(await data((u1 as { net: { w: Tree } }).net.w)).toEqual([-f32(f32(0.1) * 3), -f32(f32(0.1) * -4)]);
    tree.dispose(state);
    state = s1;
    // Second step: momentum on the scales (trace = 0.5 * 2 + 2 = 3), plain SGD on the means.
    const [u2, s2] = tx.update(g, state, p);
    expect(await data((u2 as { logScale: Tree }).logScale)).toEqual([-f32(f32(0.01) * 3)]);
    expect(await data((u2 as { loc: Tree }).loc)).toEqual([-f32(f32(0.1) * 0.5), -f32(f32(0.1) * -1)]);
    tree.dispose([p, g, u1, u2, state, s2]);
  });

  it('takes a label function, and names the path of a missing or unknown label', async () => {
    const p = params();
    const seen: Tree[] = [];
    const tx = multiTransform({ a: localSgd(1), b: localSgd(2) }, (t) => {
      seen.push(t);
      return { loc: 'a', logScale: 'b', net: { w: 'a', b: 'b' } };
    });
    const s0 = tx.init(p);
    expect(seen[0]).toBe(p);
    const [u, s1] = tx.update(p, s0);
    await expect(u).toBeCloseTree({ loc: [-1, -2], logScale: [2], net: { w: [[-1, -2]], b: -0 } });
    tree.dispose([s0, u, s1]);
    expect(() => multiTransform({ a: localSgd(1) }, { loc: 'a', logScale: 'a', net: { w: 'a' } }).init(p)).toThrow(/net\.b has no label/);
    expect(() => multiTransform({ a: localSgd(1) }, { loc: 'a', logScale: 'zzz', net: 'a' }).init(p)).toThrow(/logScale has label 'zzz'.*known: a/);
    expect(() => multiTransform({ a: {} as GradientTransformation }, 'a')).toThrow(/transforms\.a is not a GradientTransformation/);
    tree.dispose(p);
  });
});

describe('injectHyperparams', () => {
  it('stores numbers as float32 scalars; replacing the entry changes the step size exactly from that step', async () => {
    const tx = injectHyperparams((h: { learningRate: Schedule }) => localSgd(h.learningRate))({ learningRate: 0.1 });
    const g = { w: tf.tensor1d([1.5, -2]) };
    let state = tx.init(g);
    expect(state.hyperparams.learningRate!.dtype).toBe('float32');
    expect(await data(state.hyperparams.learningRate!)).toEqual([f32(0.1)]);
    const expected = (lr: number): number[] => [1.5, -2].map((x) => -f32(f32(lr) * x));
    for (let i = 0; i < 3; i++) {
      const [u, s] = tx.update(g, state);
      expect(await data((u as { w: Tree }).w)).toEqual(expected(0.1));
      tree.dispose([u, state]);
      state = s;
    }
    // Change the learning rate mid-run by replacing the state entry.
    state.hyperparams.learningRate!.dispose();
    state.hyperparams.learningRate = tf.scalar(0.01);
    for (let i = 0; i < 2; i++) {
      const [u, s] = tx.update(g, state);
      expect(await data((u as { w: Tree }).w)).toEqual(expected(0.01));
      expect(await data(s.hyperparams.learningRate!)).toEqual([f32(0.01)]);
      tree.dispose([u, state]);
      state = s;
    }
    expect(await data(state.count)).toEqual([5]);
    tree.dispose([state, g]);
  });

  it('evaluates a schedule at the count and records its value; passes static args as they are', async () => {
    let seenBeta: unknown;
    const tx = injectHyperparams(
      (h: { learningRate: Schedule; beta: number }) => {
        seenBeta = h.beta;
        return localSgd(h.learningRate);
      },
      { staticArgs: ['beta'] },
    )({ learningRate: twoPhaseSchedule(0.5, 0.25, 2), beta: 0.9 });
    expect(seenBeta).toBe(0.9);
    const g = { w: tf.tensor1d([1]) };
    let state = tx.init(g);
    expect(Object.keys(state.hyperparams)).toEqual(['learningRate']);
    const got: number[][] = [];
    for (let i = 0; i < 4; i++) {
      const [u, s] = tx.update(g, state);
      got.push([...(await data((u as { w: Tree }).w)), ...(await data(s.hyperparams.learningRate!))]);
      tree.dispose([u, state]);
      state = s;
    }
    expect(got).toEqual([[-0.5, 0.5], [-0.5, 0.5], [-0.25, 0.25], [-0.25, 0.25]]);
    tree.dispose([state, g]);
  });

  it('rejects a schedule read outside init/update and non-finite numbers', () => {
    let leaked: Schedule | undefined;
    const tx = injectHyperparams((h: { lr: Schedule }) => {
      leaked = h.lr;
      return localSgd(h.lr);
    })({ lr: 1 });
    expect(tx).toBeDefined();
    const zero = tf.scalar(0, 'int32');
    expect(() => leaked!(zero)).toThrow(/lr was read outside init\/update/);
    zero.dispose();
    expect(() => injectHyperparams((h: { lr: Schedule }) => localSgd(h.lr))({ lr: NaN })).toThrow(/lr must be finite/);
  });
});

describe('multiSteps', () => {
  it('emits zeros for k-1 steps, then the inner (Adam) update of the mean gradient', async () => {
    const k = 3;
    const lr = 0.05;
    const tx = multiSteps(localAdam(lr), k);
    const p = { w: tf.tensor1d([0, 0]) };
    let state = tx.init(p);
    const host = new HostAdam(2, lr);
    const gradsAt = (i: number): number[] => [Math.sin(i + 1), 0.3 * i - 1];
    for (let i = 0; i < 4 * k; i++) {
      const gi = gradsAt(i);
      const g = { w: tf.tensor1d(gi) };
      const [u, s] = tx.update(g, state, p);
      const got = await data((u as { w: Tree }).w);
      if ((i + 1) % k !== 0) {
        expect(got).toEqual([0, 0]);
      } else {
        const batch = [0, 1, 2].map((j) => gradsAt(i - j));
        const mean = [0, 1].map((c) => batch.reduce((acc, b) => acc + b[c]!, 0) / k);
        const want = host.step(mean);
        // float32 running mean and Adam against float64: relative error ~1e-6; rtol 1e-5.
        await expect((u as { w: Tree }).w).toBeCloseTensor(want, { rtol: 1e-5, atol: 1e-9 });
      }
      expect(await data(s.miniStep)).toEqual([(i + 1) % k]);
      expect(await data(s.gradientStep)).toEqual([Math.floor((i + 1) / k)]);
      expect(await data((s.innerState as { count: Tree }).count)).toEqual([Math.floor((i + 1) / k)]);
      tree.dispose([u, g, state]);
      state = s;
    }
    tree.dispose([state, p]);
    expect(() => multiSteps(localSgd(1), 0)).toThrow(/everyK.*0/);
  });
});

describe('applyIfFinite', () => {
  it('skips non-finite steps (zero updates, inner state kept), counts them, and applies after too many', async () => {
    const tx = applyIfFinite(localMomentum(1, 0.5), 2);
    const p = { w: tf.tensor1d([0]) };
    let state = tx.init(p);
    const seq = [1, NaN, Infinity, 2, NaN, -Infinity, NaN, 4];
    // Host model of Optax's rule: apply when finite or when the consecutive count exceeds 2.
    let trace = 0;
    let consecutive = 0;
    let total = 0;
    for (const x of seq) {
      const g = { w: tf.tensor1d([x]) };
      const [u, s] = tx.update(g, state);
      const finite = Number.isFinite(x);
      consecutive = finite ? 0 : consecutive + 1;
      total += finite ? 0 : 1;
      const apply = finite || consecutive > 2;
      let wantU = 0;
      if (apply) {
        trace = 0.5 * trace + x;
        wantU = -trace;
      }
      const got = (await data((u as { w: Tree }).w))[0]!;
      if (Number.isNaN(wantU)) expect(got).toBeNaN();
      else expect(got).toBe(wantU);
      expect(await data(s.notfiniteCount)).toEqual([consecutive]);
      expect(await data(s.totalNotfinite)).toEqual([total]);
      expect(await data(s.lastFinite)).toEqual([finite ? 1 : 0]);
      const gotTrace = (await data((s.innerState as { trace: { w: Tree } }).trace.w))[0]!;
      if (Number.isNaN(trace)) expect(gotTrace).toBeNaN();
      else expect(gotTrace).toBe(trace);
      tree.dispose([u, g, state]);
      state = s;
    }
    tree.dispose([state, p]);
    expect(() => applyIfFinite(localSgd(1), -1)).toThrow(/maxConsecutiveErrors/);
  });
});

describe('maximize and flipSign', () => {
  it('maximize(adam) climbs a concave quadratic to its maximum', async () => {
    // f(x) = -sum((x - c)^2), maximised at c; we pass the gradient of f itself.
    const c = tf.tensor1d([3, -2, 0.5]);
    const tx = maximize(localAdam(0.05));
    let x: Tree = { x: tf.zeros([3]) };
    let state = tx.init(x);
    for (let i = 0; i < 1500; i++) {
      const g = tf.tidy(() => ({ x: tf.mul(-2, tf.sub((x as { x: tf.Tensor }).x, c)) }));
      const [u, s] = tx.update(g, state, x);
      const next: Tree = applyUpdates(x, u);
      tree.dispose([g, u, state, x]);
      state = s;
      x = next;
    }
    // Adam with lr 0.05 ends within a few lr of the optimum; 1e-2 is tight enough to fail on descent.
    await expect((x as { x: tf.Tensor }).x).toBeCloseTensor([3, -2, 0.5], { atol: 1e-2 });
    tree.dispose([x, state, c]);
  });

  it('flipSign negates, maximize(sgd) moves along the gradient', async () => {
    const g = { a: tf.tensor1d([1, -2]) };
    const [u] = flipSign().update(g, {});
    await expect(u).toBeCloseTree({ a: [-1, 2] });
    const tx = maximize(localSgd(0.5));
    const s = tx.init(g);
    const [v, s2] = tx.update(g, s);
    await expect(v).toBeCloseTree({ a: [0.5, -1] });
    tree.dispose([g, u, s, v, s2]);
  });
});

describe('wrapper leaks', () => {
  const all = (): [string, GradientTransformation][] => [
    ['multiTransform', multiTransform({ a: localAdam(0.1), b: localSgd(0.1) }, { w: 'a', b: 'b' }) as GradientTransformation],
    ['injectHyperparams', injectHyperparams((h: { lr: Schedule }) => localAdam(h.lr))({ lr: 0.1 }) as GradientTransformation],
    ['multiSteps', multiSteps(localAdam(0.1), 3) as GradientTransformation],
    ['applyIfFinite', applyIfFinite(localAdam(0.1), 1) as GradientTransformation],
    ['maximize', maximize(localAdam(0.1))],
    ['flipSign', flipSign() as GradientTransformation],
  ];

  it('init and update leave nothing behind, and update never shares tensors with its inputs', async () => {
    const p = { w: tf.tensor1d([1, 2]), b: tf.scalar(0) };
    const g = { w: tf.tensor1d([0.1, NaN]), b: tf.scalar(1) };
    for (const [, tx] of all()) {
      await expectNoLeaks(() => tx.init(p));
      const s = tx.init(p);
      await expectNoLeaks(() => tx.update(g, s, p));
      const [u, s2] = tx.update(g, s, p);
      const old = new Set<unknown>([...tree.leaves(s as never), ...tree.leaves(g as never), ...tree.leaves(p as never)]);
      for (const leaf of [...tree.leaves(u as never), ...tree.leaves(s2 as never)] as unknown[]) if (leaf instanceof tf.Tensor) expect(old.has(leaf)).toBe(false);
      tree.dispose([s, u, s2]);
    }
    tree.dispose([p, g]);
  });

  it('a 1,000-step loop returns tf.memory() to where it started', () => {
    for (const [name, tx] of all()) {
      const before = tf.memory().numTensors;
      let p: Tree = { w: tf.tensor1d([1, 2]), b: tf.scalar(0) };
      let state = tx.init(p);
      for (let i = 0; i < 1000; i++) {
        const g = tf.tidy(() => ({ w: tf.mul(2, (p as { w: tf.Tensor }).w), b: tf.scalar(i % 7 === 0 ? NaN : 1) }));
        const [u, s] = tx.update(g, state, p);
        const next: Tree = applyUpdates(p, u);
        tree.dispose([g, u, state, p]);
        state = s;
        p = next;
      }
      tree.dispose([p, state]);
      expect([name, tf.memory().numTensors]).toEqual([name, before]);
    }
  });
});
