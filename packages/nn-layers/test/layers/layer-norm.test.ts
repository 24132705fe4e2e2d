import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { layerNorm } from '../../src/layers/index.js';
import { expectGradientsMatchHost } from '../helpers/finite-difference.js';
import { hostNormal, layerNormHost, sizeOf, weightedSumHost } from './host-reference.js';

describe('layerNorm', () => {
  it('inits { scale: ones, bias: zeros } of [features] (2·features parameters) and honours useScale/useBias', async () => {
    const p = layerNorm().init(key(0), [4, 6]);
    expect(Object.keys(p).sort()).toEqual(['bias', 'scale']);
    await expect(p.scale!).toBeCloseTensor(new Array(6).fill(1));
    await expect(p.bias!).toBeCloseTensor(new Array(6).fill(0));
    expect(p.scale!.size + p.bias!.size).toBe(12);
    const q = layerNorm({ useScale: false }).init(key(0), [6]);
    expect(Object.keys(q)).toEqual(['bias']);
    const r = layerNorm({ useBias: false }).init(key(0), [6]);
    expect(Object.keys(r)).toEqual(['scale']);
    tf.dispose([p.scale, p.bias, q.bias, r.scale]);
  });

  it('matches a float64 host computation on x with three leading batch dims', async () => {
    const shape = [2, 3, 4, 7];
    const xv = hostNormal(1, sizeOf(shape), 3, 1.5);
    const sv = hostNormal(2, 7, 0.5, 1);
    const bv = hostNormal(3, 7);
    const x = tf.tensor(Float32Array.from(xv), shape);
    const params = { scale: tf.tensor(Float32Array.from(sv)), bias: tf.tensor(Float32Array.from(bv)) };
    const ln = layerNorm({ epsilon: 1e-5 });
    const y = ln.apply(params, x);
    expect(y.shape).toEqual(shape);
    expect(ln.outputShape([4, 7])).toEqual([4, 7]);
    const want = layerNormHost(Float64Array.from(Float32Array.from(xv)), 7, Float64Array.from(Float32Array.from(sv)), Float64Array.from(Float32Array.from(bv)), 1e-5);
    await expect(tf.reshape(y, [-1])).toBeCloseTensor(Array.from(want), { rtol: 1e-4, atol: 1e-5 });
    // Without scale and bias: zero mean, unit (biased) variance per row.
    const y2 = layerNorm({ useScale: false, useBias: false }).apply({}, x);
    const want2 = layerNormHost(Float64Array.from(Float32Array.from(xv)), 7, null, null, 1e-6);
    await expect(y2).toBeCloseTensor(Array.from(want2), { rtol: 1e-4, atol: 1e-5, checkShape: false });
    tf.dispose([x, params.scale, params.bias, y, y2]);
  });

  it('has gradients matching finite differences in x, scale and bias', async () => {
    const shape = [3, 5];
    const xv = hostNormal(4, 15, 2, 0.3);
    const sv = hostNormal(5, 5, 0.4, 1);
    const bv = hostNormal(6, 5);
    const wv = hostNormal(7, 15);
    const ln = layerNorm({ epsilon: 1e-3 });
    const w = tf.tensor(Float32Array.from(wv), shape);
    await expectGradientsMatchHost(
      (x, scale, bias) => tf.sum(tf.mul(ln.apply({ scale: scale!, bias: bias! }, x!), w)) as tf.Scalar,
      ([x, s, b]) => weightedSumHost(layerNormHost(x!, 5, s!, b!, 1e-3), Float64Array.from(Float32Array.from(wv))),
      [
        { values: xv, shape },
        { values: sv, shape: [5] },
        { values: bv, shape: [5] },
      ],
    );
    w.dispose();
  });

  it('gives clear errors', () => {
    const ln = layerNorm();
    const p = ln.init(key(0), [4]);
    const x = tf.ones([2, 5]);
    expect(() => ln.apply(p, x)).toThrow(/layerNorm\.apply: params\.scale has shape \[4\] but x has 5 features/);
    expect(() => ln.apply({ bias: p.bias }, tf.ones([2, 4]))).toThrow(/params\.scale is missing/);
    expect(() => layerNorm({ epsilon: 0 })).toThrow(/epsilon must be a finite number > 0/);
    expect(() => ln.init(key(0), [])).toThrow(/rank >= 1/);
    tf.dispose([p.scale, p.bias, x]);
  });

  it('does not leak', async () => {
    const ln = layerNorm();
    const p = ln.init(key(0), [4]);
    const x = tf.ones([2, 3, 4]);
    await expectNoLeaks(() => ln.init(key(0), [4]));
    await expectNoLeaks(() => ln.apply(p, x));
    tf.dispose([p.scale, p.bias, x]);
  });
});
