import * as tf from '@tensorflow/tfjs-core';
import { foldIn, key, random, tree, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import type { Module } from '../../src/core/module.js';
import { dense } from '../../src/dense/index.js';
import { batchNorm, dropout, mlp, residual, sequential } from '../../src/layers/index.js';
import { countParams } from '../../src/layers/summary.js';
import { expectGradientsMatchHost } from '../helpers/finite-difference.js';
import { denseHost, fixedValues, weightedSum } from './host-nn.js';

type Rec = Record<string, Tree>;
const rec = (t: Tree): Rec => t as Rec;
const leadingShapes = (inputShape: number[]): number[][] => [[...inputShape], [5, ...inputShape], [2, 3, ...inputShape], [2, 1, 3, ...inputShape]];

/** A stand-in Bayesian layer: identity forward, KL = Σ params.w² (+ 1 when a key is given), to check summing. */
function fakeBayes(): Module {
  return {
    kind: 'FakeBayes',
    init: (_k: PRNGKey, s: readonly number[]) => ({ w: tf.fill([s[s.length - 1]!], 0.5) }),
    apply: (_p: Tree, x: tf.Tensor) => tf.clone(x),
    outputShape: (s: readonly number[]) => [...s],
    klDivergence: (p: Tree, o?: { readonly key?: PRNGKey }) => tf.tidy(() => tf.add(tf.sum(tf.square(rec(p).w as tf.Tensor)), o?.key === undefined ? 0 : 1) as tf.Scalar),
  };
}

describe('sequential', () => {
  it('names children ${kind}_${i} counted per kind (Flax); paramless children get {}', () => {
    const seq = sequential([dense(4), batchNorm(), dense(3), dropout(0.1), dense(2)]);
    expect(seq.kind).toBe('Sequential');
    expect(seq.children!.map((c) => c.name)).toEqual(['Dense_0', 'BatchNorm_0', 'Dense_1', 'Dropout_0', 'Dense_2']);
    const p = rec(seq.init(key(0), [6]));
    expect(Object.keys(p).sort()).toEqual(['BatchNorm_0', 'Dense_0', 'Dense_1', 'Dense_2', 'Dropout_0']);
    expect(p.Dropout_0).toEqual({});
    expect((rec(p.Dense_1!).kernel as tf.Tensor).shape).toEqual([4, 3]);
    // 6·4+4 + (4+4) + 4·3+3 + 0 + 3·2+2
    expect(countParams(p)).toBe(28 + 8 + 15 + 8);
    tree.dispose(p);
  });
  it('child i is initialised with foldIn(key, i)', async () => {
    const seq = sequential([dense(4), dense(3)]);
    const p = rec(seq.init(key(3), [2]));
    const want = dense(3).init(foldIn(key(3), 1), [4]);
    await expect(p.Dense_1).toBeCloseTree(want, { rtol: 0, atol: 0 });
    tree.dispose([p, want]);
  });
  it('threads shapes through any number of leading batch dims, and equals composing the children', async () => {
    const seq = sequential([dense(5, { activation: 'relu' }), dense(3, { activation: 'tanh' })]);
    expect(seq.outputShape([4])).toEqual([3]);
    expect(seq.outputShape([7, 4])).toEqual([7, 3]);
    const p = rec(seq.init(key(1), [4]));
    for (const s of leadingShapes([4])) {
      const x = random.normal(key(2), s);
      const y = seq.apply(p, x);
      expect(y.shape).toEqual([...s.slice(0, -1), 3]);
      const h = dense(5, { activation: 'relu' }).apply(p.Dense_0 as never, x);
      const want = dense(3, { activation: 'tanh' }).apply(p.Dense_1 as never, h);
      await expect(y).toBeCloseTensor(want, { rtol: 0, atol: 0 });
      tree.dispose([x, y, h, want]);
    }
    tree.dispose(p);
  });
  it('apply hands child i the key foldIn(key, i) (dropout in training)', async () => {
    const seq = sequential([dense(8), dropout(0.5)]);
    const p = rec(seq.init(key(0), [3]));
    const x = random.normal(key(1), [4, 3]);
    const y = seq.apply(p, x, { training: true, key: key(7) });
    const h = dense(8).apply(p.Dense_0 as never, x);
    const want = dropout(0.5).apply({}, h, { training: true, key: foldIn(key(7), 1) });
    await expect(y).toBeCloseTensor(want, { rtol: 0, atol: 0 });
    expect(() => seq.apply(p, x, { training: true })).toThrow(/key/);
    tree.dispose([p, x, y, h, want]);
  });
  it('stateless: no initState/applyWithState/klDivergence', () => {
    const seq = sequential([dense(2), dropout(0.2)]);
    expect(seq.initState).toBeUndefined();
    expect(seq.applyWithState).toBeUndefined();
    expect(seq.klDivergence).toBeUndefined();
  });
  it('errors', () => {
    expect(() => sequential([])).toThrow(/sequential: modules must be a non-empty array/);
    expect(() => sequential([dense(2), {} as Module])).toThrow(/sequential: modules\[1\] must be a Module/);
    const seq = sequential([dense(2), dense(3)]);
    const x = tf.zeros([2, 4]);
    const k = tf.zeros([4, 2]);
    const b = tf.zeros([2]);
    expect(() => seq.apply({ Dense_0: { kernel: k, bias: b } }, x)).toThrow(/params has no entry 'Dense_1' \(it has 'Dense_0'\)/);
    const p = seq.init(key(0), [4]);
    const bad = tf.zeros([2, 5]);
    expect(() => seq.apply(p, bad)).toThrow(/x has last dimension 5 but the kernel expects 4/);
    tree.dispose([x, k, b, p, bad]);
  });
});

describe('sequential with BatchNorm: state in training and evaluation', () => {
  const build = (): Module => sequential([dense(4), batchNorm(), dense(2), dropout(0.3)]);
  it('initState has entries only for stateful children', () => {
    const s = rec(build().initState!([3]));
    expect(Object.keys(s)).toEqual(['BatchNorm_0']);
    expect((rec(s.BatchNorm_0!).mean as tf.Tensor).shape).toEqual([4]);
    tree.dispose(s);
  });
  it('training: applyWithState moves the running statistics as BatchNorm alone would', async () => {
    const seq = build();
    const p = rec(seq.init(key(0), [3]));
    const s0 = rec(seq.initState!([3]));
    const x = random.normal(key(1), [2, 8, 3]);
    const r = seq.applyWithState!(p, x, { state: s0, training: true, key: key(5) });
    expect(r.output.shape).toEqual([2, 8, 2]);
    // By hand: Dense_0, then BatchNorm_0 with its own state.
    const h = dense(4).apply(p.Dense_0 as never, x);
    const bn = batchNorm().applyWithState!(p.BatchNorm_0 as never, h, { state: s0.BatchNorm_0!, training: true });
    await expect(rec(r.state).BatchNorm_0).toBeCloseTree(bn.state, { rtol: 1e-6, atol: 1e-7 });
    // The state moved away from the initial zeros/ones.
    const moved = await (rec(rec(r.state).BatchNorm_0!).mean as tf.Tensor).data();
    expect(moved.some((v) => v !== 0)).toBe(true);
    tree.dispose([p, s0, x, r, h, bn]);
  });
  it('evaluation: apply(params, x, { state }) equals applyWithState without training, and uses the running stats', async () => {
    const seq = build();
    const p = rec(seq.init(key(0), [3]));
    const s0 = seq.initState!([3]);
    const x = random.normal(key(1), [16, 3]);
    const trained = seq.applyWithState!(p, x, { state: s0, training: true, key: key(2) });
    const yEval = seq.apply(p, x, { state: trained.state });
    const r = seq.applyWithState!(p, x, { state: trained.state });
    await expect(yEval).toBeCloseTensor(r.output, { rtol: 0, atol: 0 });
    // Evaluation with the running stats differs from the batch-statistics (training) output.
    const yTrain = seq.apply(p, x, { training: true, key: key(2) });
    await expect(yEval).not.toBeCloseTensor(yTrain, { rtol: 1e-3, atol: 1e-3 });
    // Evaluation without the state is BatchNorm's error naming the state.
    expect(() => seq.apply(p, x)).toThrow(/state/);
    expect(() => seq.applyWithState!(p, x, { state: {} })).toThrow(/options\.state has no entry 'BatchNorm_0'/);
    tree.dispose([p, s0, x, trained, yEval, r, yTrain]);
  });
  it('nested containers thread state (residual inside sequential)', async () => {
    const seq = sequential([dense(4), residual(sequential([batchNorm(), dense(4, { activation: 'relu' })])), dense(1)]);
    const s = rec(seq.initState!([2]));
    expect(Object.keys(s)).toEqual(['Residual_0']);
    expect(Object.keys(rec(s.Residual_0!))).toEqual(['Sequential_0']);
    expect(Object.keys(rec(rec(s.Residual_0!).Sequential_0!))).toEqual(['BatchNorm_0']);
    const p = seq.init(key(0), [2]);
    const x = random.normal(key(1), [3, 5, 2]);
    const r = seq.applyWithState!(p, x, { state: s, training: true });
    expect(r.output.shape).toEqual([3, 5, 1]);
    const y = seq.apply(p, x, { state: r.state });
    expect(y.shape).toEqual([3, 5, 1]);
    tree.dispose([s, p, x, r, y]);
  });
});

describe('klDivergence of containers', () => {
  it('sums the children that have one, each with foldIn(key, i)', async () => {
    const seq = sequential([dense(3), fakeBayes(), dense(3), fakeBayes()]);
    const p = seq.init(key(0), [2]);
    // Each FakeBayes has w = 0.5 × 3 features: Σw² = 0.75; two of them.
    const kl = seq.klDivergence!(p);
    expect(await kl.data()).toEqual(new Float32Array([1.5]));
    const klKeyed = seq.klDivergence!(p, { key: key(1) });
    expect(await klKeyed.data()).toEqual(new Float32Array([3.5]));
    const res = residual(fakeBayes());
    const rp = res.init(key(0), [4]);
    const rkl = res.klDivergence!(rp);
    expect(await rkl.data()).toEqual(new Float32Array([1]));
    tree.dispose([p, kl, klKeyed, rp, rkl]);
  });
});

describe('mlp', () => {
  it('widths are output widths; kind MLP; params Dense_0..', () => {
    const m = mlp([128, 128, 64, 1], { activations: ['relu', 'relu', 'tanh', 'identity'] });
    expect(m.kind).toBe('MLP');
    expect(m.children!.map((c) => c.name)).toEqual(['Dense_0', 'Dense_1', 'Dense_2', 'Dense_3']);
    const p = m.init(key(0), [14]);
    // 14·128+128 + 128·128+128 + 128·64+64 + 64·1+1
    expect(countParams(p)).toBe(1920 + 16512 + 8256 + 65);
    for (const s of leadingShapes([14])) {
      const x = tf.zeros(s);
      const y = m.apply(p, x);
      expect(y.shape).toEqual([...s.slice(0, -1), 1]);
      tf.dispose([x, y]);
    }
    tree.dispose(p);
  });
  it('activation for hidden layers, finalActivation for the last (default relu / identity)', async () => {
    const x = random.normal(key(4), [6, 2]);
    const m = mlp([3, 2], { activation: 'tanh', finalActivation: 'sigmoid' });
    const p = rec(m.init(key(0), [2]));
    const y = m.apply(p, x);
    const want = tf.tidy(() => dense(2, { activation: 'sigmoid' }).apply(p.Dense_1 as never, dense(3, { activation: 'tanh' }).apply(p.Dense_0 as never, x)));
    await expect(y).toBeCloseTensor(want, { rtol: 0, atol: 0 });
    const d = mlp([3, 2]);
    const yd = d.apply(p, x);
    const wantD = tf.tidy(() => dense(2).apply(p.Dense_1 as never, dense(3, { activation: 'relu' }).apply(p.Dense_0 as never, x)));
    await expect(yd).toBeCloseTensor(wantD, { rtol: 0, atol: 0 });
    tree.dispose([x, p, y, want, yd, wantD]);
  });
  it('useBias: false and fused: false reach every layer', () => {
    const p = rec(mlp([3, 2], { useBias: false, fused: false }).init(key(0), [2]));
    expect(Object.keys(rec(p.Dense_0!))).toEqual(['kernel']);
    expect(countParams(p)).toBe(6 + 6);
    tree.dispose(p);
  });
  it('gradients of a 3→5→4→2 tanh/softplus MLP match float64 finite differences (fused and unfused)', async () => {
    const rows = 6;
    const xv = fixedValues(rows * 3, 10);
    const vals = [fixedValues(15, 11, 0.7), fixedValues(5, 12, 0.2), fixedValues(20, 13, 0.6), fixedValues(4, 14, 0.2), fixedValues(8, 15, 0.6), fixedValues(2, 16, 0.2)];
    const wv = fixedValues(rows * 2, 17);
    const host = ([x, k0, b0, k1, b1, k2, b2]: Float64Array[]): number => {
      const h1 = denseHost(x!, k0!, b0!, rows, 3, 5, 'tanh');
      const h2 = denseHost(h1, k1!, b1!, rows, 5, 4, 'tanh');
      return weightedSum(denseHost(h2, k2!, b2!, rows, 4, 2, 'softplus'), wv);
    };
    for (const fused of [true, false]) {
      const m = mlp([5, 4, 2], { activation: 'tanh', finalActivation: 'softplus', fused });
      const w = tf.tensor(Float32Array.from(wv), [2, 3, 2]);
      await expectGradientsMatchHost(
        (x, k0, b0, k1, b1, k2, b2) =>
          tf.sum(tf.mul(m.apply({ Dense_0: { kernel: k0!, bias: b0! }, Dense_1: { kernel: k1!, bias: b1! }, Dense_2: { kernel: k2!, bias: b2! } }, x!), w)) as tf.Scalar,
        host,
        [
          { values: xv, shape: [2, 3, 3] },
          { values: vals[0]!, shape: [3, 5] },
          { values: vals[1]!, shape: [5] },
          { values: vals[2]!, shape: [5, 4] },
          { values: vals[3]!, shape: [4] },
          { values: vals[4]!, shape: [4, 2] },
          { values: vals[5]!, shape: [2] },
        ],
      );
      w.dispose();
    }
  });
  it('errors', () => {
    expect(() => mlp([])).toThrow(/mlp: widths must be a non-empty array of positive integers/);
    expect(() => mlp([3, 0])).toThrow(/widths must be/);
    expect(() => mlp([3, 1], { activations: ['relu'] })).toThrow(/activations must have one entry per layer \(2\), got 1/);
    expect(() => mlp([3, 1], { activations: ['relu', 'identity'], activation: 'tanh' })).toThrow(/either activations/);
    expect(() => mlp([3], { activation: 'nope' as never })).toThrow(/unknown activation 'nope'/);
  });
});

describe('residual', () => {
  it('y = x + f(x) over leading batch dims; params { Dense_0 }', async () => {
    const f = dense(4, { activation: 'tanh' });
    const res = residual(f);
    expect(res.kind).toBe('Residual');
    const p = rec(res.init(key(0), [4]));
    expect(Object.keys(p)).toEqual(['Dense_0']);
    expect(res.outputShape([4])).toEqual([4]);
    for (const s of leadingShapes([4])) {
      const x = random.normal(key(1), s);
      const y = res.apply(p, x);
      const want = tf.tidy(() => tf.add(x, f.apply(p.Dense_0 as never, x)));
      await expect(y).toBeCloseTensor(want, { rtol: 0, atol: 0 });
      tree.dispose([x, y, want]);
    }
    tree.dispose(p);
  });
  it('a shape-changing block is an error unless projection is requested', async () => {
    expect(() => residual(dense(8)).init(key(0), [4])).toThrow(/residual\(Dense\)\.init: y = x \+ f\(x\) needs f to keep the shape, but f maps \[4\] to \[8\]; pass \{ projection: true \}/);
    const res = residual(dense(8, { activation: 'relu' }), { projection: true });
    expect(res.children!.map((c) => c.name)).toEqual(['Dense_0', 'Dense_1']);
    const p = rec(res.init(key(0), [4]));
    expect(Object.keys(rec(p.Dense_1!))).toEqual(['kernel']); // bias-free projection
    expect(countParams(p)).toBe(4 * 8 + 8 + 4 * 8);
    expect(res.outputShape([3, 4])).toEqual([3, 8]);
    const x = random.normal(key(1), [2, 3, 4]);
    const y = res.apply(p, x);
    const want = tf.tidy(() => tf.add(tf.reshape(tf.matMul(tf.reshape(x, [6, 4]), rec(p.Dense_1!).kernel as tf.Tensor), [2, 3, 8]), dense(8, { activation: 'relu' }).apply(p.Dense_0 as never, x)));
    await expect(y).toBeCloseTensor(want, { rtol: 1e-6, atol: 1e-6 });
    tree.dispose([p, x, y, want]);
  });
  it('a Module as projection', () => {
    const res = residual(mlp([6, 6]), { projection: dense(6) });
    expect(res.children!.map((c) => c.name)).toEqual(['MLP_0', 'Dense_0']);
    const p = res.init(key(0), [3]);
    expect(countParams(p)).toBe(3 * 6 + 6 + 6 * 6 + 6 + 3 * 6 + 6);
    tree.dispose(p);
    expect(() => residual(dense(6), { projection: dense(5) }).init(key(0), [3])).toThrow(/the block gives shape \[6\] but the projection gives \[5\]/);
  });
  it('errors', () => {
    expect(() => residual(undefined as never)).toThrow(/residual: module must be a Module/);
  });
});

describe('no leaks', () => {
  it('sequential/mlp/residual init, apply, applyWithState, klDivergence, errors', async () => {
    const seq = sequential([dense(4), batchNorm(), residual(dense(4, { activation: 'relu' })), dropout(0.5), fakeBayes(), dense(2)]);
    const m = mlp([5, 1], { activation: 'tanh' });
    const res = residual(dense(6), { projection: true });
    const x = tf.ones([2, 3, 3]);
    const p = seq.init(key(0), [3]);
    const s = seq.initState!([3]);
    const pm = m.init(key(0), [3]);
    const pr = res.init(key(0), [3]);
    await expectNoLeaks(() => seq.init(key(0), [3]));
    await expectNoLeaks(() => seq.initState!([3]));
    await expectNoLeaks(() => seq.apply(p, x, { state: s }));
    await expectNoLeaks(() => seq.apply(p, x, { training: true, key: key(1) }));
    await expectNoLeaks(() => seq.applyWithState!(p, x, { state: s, training: true, key: key(1) }));
    await expectNoLeaks(() => seq.klDivergence!(p, { key: key(2) }));
    await expectNoLeaks(() => m.init(key(0), [3]));
    await expectNoLeaks(() => m.apply(pm, x));
    await expectNoLeaks(() => res.init(key(0), [3]));
    await expectNoLeaks(() => res.apply(pr, x));
    await expectNoLeaks(() => tf.grads((a: tf.Tensor) => tf.sum(m.apply(pm, a)))([x]));
    await expectNoLeaks(() => {
      expect(() => seq.apply(p, x, { training: true })).toThrow(/key/); // dropout without a key, after some layers ran
      expect(() => sequential([dense(2), dense(3)]).init(key(0), [0])).toThrow();
    });
    tree.dispose([x, p, s, pm, pr]);
  });
});
