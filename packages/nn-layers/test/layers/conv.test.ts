import * as tf from '@tensorflow/tfjs-core';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { conv1d, conv2d, type ConvPadding } from '../../src/layers/index.js';
import { expectGradientsMatchHost } from '../helpers/finite-difference.js';
import { conv2dHost, hostNormal, sizeOf, weightedSumHost } from './host-reference.js';

const f32 = (a: Float64Array): Float64Array => Float64Array.from(Float32Array.from(a));
const t = (a: Float64Array, shape: readonly number[]): tf.Tensor => tf.tensor(Float32Array.from(a), [...shape]);

/** Conv1D on the host as a Conv2D of height 1. */
function conv1dHost(x: Float64Array, [N, W, C]: number[], k: Float64Array, [kw, , O]: number[], b: Float64Array | null, s: number, d: number, pad: ConvPadding) {
  return conv2dHost(x, [N!, 1, W!, C!], k, [1, kw!, C!, O!], b, [1, s], [1, d], pad);
}

describe('conv2d', () => {
  it('inits kernel [kh, kw, inC, out] (lecun normal) and bias [out]; counts parameters', async () => {
    const c = conv2d(8, [3, 5]);
    const p = c.init(key(0), [16, 16, 4]);
    expect(p.kernel.shape).toEqual([3, 5, 4, 8]);
    expect(p.bias!.shape).toEqual([8]);
    expect(p.kernel.size + p.bias!.size).toBe(3 * 5 * 4 * 8 + 8);
    // Lecun normal: variance 1/fanIn = 1/60 on 480 entries; the sample variance has relative standard
    // error ≈ √(2/480) = 0.065 (normal approximation; the truncated normal's is smaller): 5 SE = 33%.
    const v = Array.from(await p.kernel.data());
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const variance = v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length;
    expect(Math.abs(variance * 60 - 1)).toBeLessThan(0.33);
    const q = conv2d(2, 3, { useBias: false }).init(key(0), [5, 5, 1]);
    expect(Object.keys(q)).toEqual(['kernel']);
    tf.dispose([p.kernel, p.bias, q.kernel]);
  });

  const cases: { pad: ConvPadding; s: [number, number]; d: [number, number]; hw: [number, number]; k: [number, number] }[] = [
    { pad: 'SAME', s: [1, 1], d: [1, 1], hw: [5, 6], k: [3, 3] },
    { pad: 'SAME', s: [2, 2], d: [1, 1], hw: [7, 6], k: [3, 2] },
    { pad: 'VALID', s: [1, 1], d: [1, 1], hw: [5, 6], k: [3, 3] },
    { pad: 'VALID', s: [2, 1], d: [1, 1], hw: [7, 5], k: [2, 3] },
    { pad: 'SAME', s: [1, 1], d: [2, 1], hw: [6, 5], k: [3, 2] },
    { pad: 'VALID', s: [2, 2], d: [2, 2], hw: [9, 8], k: [2, 3] },
  ];
  for (const cs of cases) {
    it(`matches a float64 direct convolution: ${cs.pad}, strides ${cs.s}, dilation ${cs.d}, kernel ${cs.k}, leading dims [2, 3]`, async () => {
      const [C, O] = [3, 4];
      const xShape = [2, 3, ...cs.hw, C];
      const kShape = [...cs.k, C, O] as [number, number, number, number];
      const xv = f32(hostNormal(1, sizeOf(xShape)));
      const kv = f32(hostNormal(2, sizeOf(kShape), 0.5));
      const bv = f32(hostNormal(3, O));
      const layer = conv2d(O, cs.k, { padding: cs.pad, strides: cs.s, dilation: cs.d });
      const x = t(xv, xShape);
      const params = { kernel: t(kv, kShape), bias: t(bv, [O]) };
      const y = layer.apply(params, x);
      const want = conv2dHost(xv, [6, cs.hw[0], cs.hw[1], C], kv, kShape, bv, cs.s, cs.d, cs.pad);
      expect(y.shape).toEqual([2, 3, ...want.shape.slice(1)]);
      expect(layer.outputShape([...cs.hw, C])).toEqual(want.shape.slice(1));
      await expect(tf.reshape(y, [-1])).toBeCloseTensor(Array.from(want.values), { rtol: 1e-4, atol: 1e-4 });
      tf.dispose([x, params.kernel, params.bias, y]);
    });
  }

  it('takes a single example (no batch axis) and applies the activation', async () => {
    const xv = f32(hostNormal(5, 4 * 4 * 2));
    const kv = f32(hostNormal(6, 2 * 2 * 2 * 3));
    const layer = conv2d(3, 2, { activation: 'relu', useBias: false });
    const x = t(xv, [4, 4, 2]);
    const kernel = t(kv, [2, 2, 2, 3]);
    const y = layer.apply({ kernel }, x);
    expect(y.shape).toEqual([4, 4, 3]);
    const want = conv2dHost(xv, [1, 4, 4, 2], kv, [2, 2, 2, 3], null, [1, 1], [1, 1], 'SAME').values.map((v) => Math.max(v, 0));
    await expect(tf.reshape(y, [-1])).toBeCloseTensor(Array.from(want), { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([x, kernel, y]);
  });

  for (const cs of [
    { pad: 'SAME' as const, s: [2, 1] as [number, number], d: [1, 1] as [number, number] },
    { pad: 'VALID' as const, s: [1, 1] as [number, number], d: [2, 1] as [number, number] },
  ]) {
    it(`has gradients matching finite differences in x, kernel and bias (${cs.pad}, strides ${cs.s}, dilation ${cs.d})`, async () => {
      const xShape: [number, number, number, number] = [2, 5, 4, 2];
      const kShape: [number, number, number, number] = [2, 3, 2, 3];
      const layer = conv2d(3, [2, 3], { padding: cs.pad, strides: cs.s, dilation: cs.d, activation: 'tanh' });
      const outShape = layer.outputShape([5, 4, 2]);
      const wv = f32(hostNormal(9, 2 * sizeOf(outShape)));
      const w = t(wv, [2, ...outShape]);
      await expectGradientsMatchHost(
        (x, kernel, bias) => tf.sum(tf.mul(layer.apply({ kernel: kernel!, bias: bias! }, x!), w)) as tf.Scalar,
        ([x, k, b]) => weightedSumHost(conv2dHost(x!, xShape, k!, kShape, b!, cs.s, cs.d, cs.pad).values.map(Math.tanh), wv),
        [
          { values: hostNormal(10, sizeOf(xShape)), shape: xShape },
          { values: hostNormal(11, sizeOf(kShape), 0.4), shape: kShape },
          { values: hostNormal(12, 3), shape: [3] },
        ],
      );
      w.dispose();
    });
  }
});

describe('conv1d', () => {
  it('inits kernel [k, inC, out] and bias [out]', () => {
    const p = conv1d(6, 3).init(key(1), [20, 4]);
    expect(p.kernel.shape).toEqual([3, 4, 6]);
    expect(p.bias!.shape).toEqual([6]);
    tf.dispose([p.kernel, p.bias]);
  });

  const cases: { pad: ConvPadding; s: number; d: number; k: number; w: number }[] = [
    { pad: 'SAME', s: 1, d: 1, k: 3, w: 9 },
    { pad: 'SAME', s: 2, d: 1, k: 4, w: 9 },
    { pad: 'VALID', s: 2, d: 1, k: 3, w: 10 },
    { pad: 'VALID', s: 1, d: 3, k: 3, w: 10 },
    { pad: 'SAME', s: 2, d: 2, k: 2, w: 11 },
  ];
  for (const cs of cases) {
    it(`matches a float64 direct convolution: ${cs.pad}, stride ${cs.s}, dilation ${cs.d}, kernel ${cs.k}, leading dims [3, 2]`, async () => {
      const [C, O] = [2, 5];
      const xv = f32(hostNormal(20, 6 * cs.w * C));
      const kv = f32(hostNormal(21, cs.k * C * O));
      const bv = f32(hostNormal(22, O));
      const layer = conv1d(O, cs.k, { padding: cs.pad, strides: cs.s, dilation: cs.d });
      const x = t(xv, [3, 2, cs.w, C]);
      const params = { kernel: t(kv, [cs.k, C, O]), bias: t(bv, [O]) };
      const y = layer.apply(params, x);
      const want = conv1dHost(xv, [6, cs.w, C], kv, [cs.k, C, O], bv, cs.s, cs.d, cs.pad);
      expect(y.shape).toEqual([3, 2, want.shape[2], O]);
      expect(layer.outputShape([cs.w, C])).toEqual([want.shape[2], O]);
      await expect(tf.reshape(y, [-1])).toBeCloseTensor(Array.from(want.values), { rtol: 1e-4, atol: 1e-4 });
      tf.dispose([x, params.kernel, params.bias, y]);
    });
  }

  it('has gradients matching finite differences in x, kernel and bias (SAME, stride 2, and dilation 2)', async () => {
    for (const [s, d] of [[2, 1], [1, 2]] as const) {
      const layer = conv1d(2, 3, { strides: s, dilation: d });
      const outShape = layer.outputShape([7, 3]);
      const wv = f32(hostNormal(30 + s, 2 * sizeOf(outShape)));
      const w = t(wv, [2, ...outShape]);
      await expectGradientsMatchHost(
        (x, kernel, bias) => tf.sum(tf.mul(layer.apply({ kernel: kernel!, bias: bias! }, x!), w)) as tf.Scalar,
        ([x, k, b]) => weightedSumHost(conv1dHost(x!, [2, 7, 3], k!, [3, 3, 2], b!, s, d, 'SAME').values, wv),
        [
          { values: hostNormal(31, 2 * 7 * 3), shape: [2, 7, 3] },
          { values: hostNormal(32, 3 * 3 * 2, 0.5), shape: [3, 3, 2] },
          { values: hostNormal(33, 2), shape: [2] },
        ],
      );
      w.dispose();
    }
  });
});

describe('conv errors and leaks', () => {
  it('gives clear errors', () => {
    const c = conv2d(4, 3);
    const p = c.init(key(0), [8, 8, 2]);
    expect(() => c.apply(p, tf.ones([1, 8, 8, 3]))).toThrow(/conv2d\(4, \[3, 3\]\)\.apply: x has 3 channels \(last axis\) but the kernel expects 2 \(x shape \[1, 8, 8, 3\]\)/);
    expect(() => c.apply(p, tf.ones([8, 2]))).toThrow(/must be \[\.\.\.batch, height, width, channels\]/);
    expect(() => c.init(key(0), [8, 2])).toThrow(/rank >= 3/);
    expect(() => conv2d(4, 3, { padding: 'VALID' }).init(key(0), [2, 8, 1])).toThrow(/spatial size 2 is smaller than the dilated kernel 3 with 'VALID' padding/);
    expect(() => conv2d(4, 3, { padding: 'same' as never })).toThrow(/padding must be 'SAME' or 'VALID'/);
    expect(() => conv2d(4, 3, { strides: 0 })).toThrow(/strides must be a positive integer or 2 of them/);
    expect(() => conv1d(0, 3)).toThrow(/conv1d: features must be an integer >= 1, got 0/);
    expect(() => conv1d(2, 3).apply({ kernel: tf.ones([2, 1, 2]) }, tf.ones([4, 1]))).toThrow(/params\.kernel has shape \[2, 1, 2\], expected \[3, inChannels, 2\]/);
    expect(() => conv1d(2, 3, { activation: 'nope' as never })).toThrow(/unknown activation 'nope'/);
    tf.dispose([p.kernel, p.bias]);
  });

  it('does not leak', async () => {
    const c2 = conv2d(3, 2, { dilation: 2 });
    const c1 = conv1d(3, 2, { strides: 2 });
    const p2 = c2.init(key(0), [5, 5, 2]);
    const p1 = c1.init(key(0), [6, 2]);
    const x2 = tf.ones([2, 2, 5, 5, 2]);
    const x1 = tf.ones([6, 2]);
    await expectNoLeaks(() => c2.init(key(0), [5, 5, 2]));
    await expectNoLeaks(() => c1.init(key(0), [6, 2]));
    await expectNoLeaks(() => c2.apply(p2, x2));
    await expectNoLeaks(() => c1.apply(p1, x1));
    await expectNoLeaks(() => tf.grad((x: tf.Tensor) => tf.sum(c2.apply(p2, x)))(x2));
    tf.dispose([p2.kernel, p2.bias, p1.kernel, p1.bias, x2, x1]);
  });
});
