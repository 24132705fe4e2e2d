import * as tf from '@tensorflow/tfjs-core';
import { key, random, split, tree } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES } from '../../src/core/activations.js';
import { dense } from '../../src/dense/index.js';
import { constant, lecunNormal } from '../../src/initializers/index.js';
import { countParams } from '../../src/layers/summary.js';
import { expectGradientsMatchHost } from '../helpers/finite-difference.js';
import { denseHost, fixedValues, weightedSum } from './host-nn.js';

describe('dense: shapes and parameters', () => {
  it('params { kernel: [in, units], bias: [units] }, Flax names; count in·units + units', () => {
    const layer = dense(7);
    const p = layer.init(key(0), [4]);
    expect(Object.keys(p).sort()).toEqual(['bias', 'kernel']);
    expect(p.kernel.shape).toEqual([4, 7]);
    expect(p.bias!.shape).toEqual([7]);
    expect(countParams(p)).toBe(4 * 7 + 7);
    tree.dispose(p);
  });
  it('useBias: false gives { kernel } only', () => {
    const p = dense(3, { useBias: false }).init(key(0), [5]);
    expect(Object.keys(p)).toEqual(['kernel']);
    expect(countParams(p)).toBe(15);
    tree.dispose(p);
  });
  it('any number of leading batch dimensions', () => {
    const layer = dense(7, { activation: 'relu' });
    const p = layer.init(key(0), [4]);
    for (const shape of [[4], [3, 4], [2, 3, 4], [2, 1, 3, 4], [0, 4]]) {
      const x = tf.ones(shape);
      const y = layer.apply(p, x);
      expect(y.shape).toEqual([...shape.slice(0, -1), 7]);
      tf.dispose([x, y]);
    }
    tree.dispose(p);
  });
  it('outputShape maps the last axis only', () => {
    expect(dense(7).outputShape([4])).toEqual([7]);
    expect(dense(7).outputShape([5, 4])).toEqual([5, 7]);
  });
  it('default init: kernel from lecunNormal (variance 1/in), zero bias', async () => {
    const p = dense(256).init(key(1), [256]);
    const k = await p.kernel.data();
    let ss = 0;
    for (const v of k) ss += v * v;
    // Var 1/256, n = 65,536, E[x⁴] ≤ 3σ⁴: SE of the mean square ≤ √2 σ²/256; 5 SE.
    expect(Math.abs(ss / k.length - 1 / 256)).toBeLessThan((5 * Math.sqrt(2)) / 256 / 256);
    expect(Array.from(await p.bias!.data()).every((v) => v === 0)).toBe(true);
    tree.dispose(p);
  });
  it('custom initialisers; the same key gives the same params', async () => {
    const layer = dense(3, { kernelInit: lecunNormal(), biasInit: constant(0.5) });
    const a = layer.init(key(5), [2]);
    const b = layer.init(key(5), [2]);
    await expect(a).toBeCloseTree(b, { rtol: 0, atol: 0 });
    expect(Array.from(await a.bias!.data())).toEqual([0.5, 0.5, 0.5]);
    tree.dispose([a, b]);
  });
  it('forward equals the float64 host definition on a batch of [2, 3] examples', async () => {
    const layer = dense(5, { activation: 'tanh' });
    const p = layer.init(key(2), [4]);
    const xv = fixedValues(2 * 3 * 4, 1);
    const x = tf.tensor(Float32Array.from(xv), [2, 3, 4]);
    const y = layer.apply(p, x);
    const want = denseHost(Float32Array.from(xv), await p.kernel.data(), await p.bias!.data(), 6, 4, 5, 'tanh');
    expect(y.shape).toEqual([2, 3, 5]);
    await expect(y).toBeCloseTensor(tf.tensor(Float32Array.from(want), [2, 3, 5]), { rtol: 1e-5, atol: 1e-6 });
    tree.dispose([p, x, y]);
  });
});

describe('dense: gradients against float64 finite differences, every activation, fused and unfused', () => {
  const inDim = 4;
  const outDim = 5;
  const rows = 6; // x has shape [2, 3, 4]: two leading batch dims
  const xv = fixedValues(rows * inDim, 3);
  const kv = fixedValues(inDim * outDim, 4, 0.6);
  const bv = fixedValues(outDim, 5, 0.3);
  const wv = fixedValues(rows * outDim, 6);
  for (const fused of [true, false]) {
    for (const act of ACTIVATION_NAMES) {
      it(`${act}, fused: ${fused}`, async () => {
        const layer = dense(outDim, { activation: act, fused });
        const w = tf.tensor(Float32Array.from(wv), [2, 3, outDim]);
        await expectGradientsMatchHost(
          (x, kernel, bias) => tf.sum(tf.mul(layer.apply({ kernel: kernel!, bias: bias! }, x!), w)) as tf.Scalar,
          ([x, k, b]) => weightedSum(denseHost(x!, k!, b!, rows, inDim, outDim, act), wv),
          [
            { values: xv, shape: [2, 3, inDim] },
            { values: kv, shape: [inDim, outDim] },
            { values: bv, shape: [outDim] },
          ],
        );
        w.dispose();
      });
    }
  }
  it('without bias', async () => {
    const layer = dense(outDim, { activation: 'gelu', useBias: false });
    const w = tf.tensor(Float32Array.from(wv), [rows, outDim]);
    await expectGradientsMatchHost(
      (x, kernel) => tf.sum(tf.mul(layer.apply({ kernel: kernel! }, x!), w)) as tf.Scalar,
      ([x, k]) => weightedSum(denseHost(x!, k!, undefined, rows, inDim, outDim, 'gelu'), wv),
      [
        { values: xv, shape: [rows, inDim] },
        { values: kv, shape: [inDim, outDim] },
      ],
    );
    w.dispose();
  });
});

describe('dense: fused and unfused agree', () => {
  for (const act of ['identity', 'relu', 'tanh', 'sigmoid', 'softplus', 'elu', 'softmax'] as const) {
    it(`${act}: outputs and gradients on [3, 2, 8] → 6`, async () => {
      const [k1, k2, k3] = split(key(9), 3);
      const params = dense(6).init(k1!, [8]);
      const xs = random.normal(k2!, [3, 2, 8]);
      const w = random.normal(k3!, [3, 2, 6]);
      const run = (fused: boolean): { y: tf.Tensor; g: tf.Tensor[] } => {
        const layer = dense(6, { activation: act, fused });
        const y = layer.apply(params, xs);
        const g = tf.grads((a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layer.apply({ kernel: k, bias: b }, a), w)))([xs, params.kernel, params.bias!]);
        return { y, g };
      };
      const f = run(true);
      const u = run(false);
      await expect(f.y).toBeCloseTensor(u.y, { rtol: 1e-5, atol: 1e-6 });
      for (let i = 0; i < 3; i++) await expect(f.g[i]).toBeCloseTensor(u.g[i], { rtol: 1e-4, atol: 1e-5 });
      tree.dispose([params, xs, w, f, u]);
    });
  }
});

describe('dense: errors', () => {
  it('wrong input width names the shapes', () => {
    const layer = dense(64);
    const p = layer.init(key(0), [14]);
    const x = tf.zeros([512, 13]);
    expect(() => layer.apply(p, x)).toThrow('dense(64).apply: x has last dimension 13 but the kernel expects 14 (x shape [512, 13])');
    tf.dispose(x);
    tree.dispose(p);
  });
  it('bad units, activation, input shape, params', () => {
    expect(() => dense(0)).toThrow(/dense: units must be a positive integer, got 0/);
    expect(() => dense(2.5)).toThrow(/units must be a positive integer/);
    expect(() => dense(3, { activation: 'relu6' as never })).toThrow(/dense\(3\): activation: unknown activation 'relu6'/);
    expect(() => dense(3).init(key(0), [])).toThrow(/dense\(3\)\.init: inputShape must be a non-empty array of positive integers/);
    const x = tf.zeros([2, 4]);
    const k = tf.zeros([4, 5]);
    expect(() => dense(3).apply({ kernel: k }, x)).toThrow(/params\.kernel must have shape \[in, 3\], got \[4, 5\]/);
    const k3 = tf.zeros([4, 3]);
    expect(() => dense(3).apply({ kernel: k3 }, x)).toThrow(/params\.bias must have shape \[3\], got no bias/);
    tf.dispose([x, k, k3]);
  });
});

describe('dense: no leaks', () => {
  it('init, apply (fused and unfused), gradients, errors', async () => {
    const p = dense(4).init(key(0), [3]);
    const x = tf.ones([2, 5, 3]);
    await expectNoLeaks(() => dense(4, { activation: 'relu' }).init(key(1), [3]));
    await expectNoLeaks(() => dense(4, { activation: 'gelu' }).apply(p, x));
    await expectNoLeaks(() => dense(4, { activation: 'softmax', fused: false }).apply(p, x));
    await expectNoLeaks(() => tf.grads((k: tf.Tensor, b: tf.Tensor) => tf.sum(dense(4, { activation: 'tanh' }).apply({ kernel: k, bias: b }, x)))([p.kernel, p.bias!]));
    const bad = tf.zeros([2, 2]);
    await expectNoLeaks(() => {
      expect(() => dense(4).apply(p, bad)).toThrow();
    });
    bad.dispose();
    tree.dispose([p, x]);
  });
});
