import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { betaln, xlog1py, xlogy } from '../../src/special/index.js';
import { digamma64, lgamma64, polygamma64 } from './host-math.js';
import { allowed, backend, evaluate, expectWithin, filterCases, inputsOf, partials, read, ref, truth, ULP, type Tolerance } from './helpers.js';

const sf = ref?.special_functions;
const psiDiff = (u: number, v: number): number => digamma64(u) - digamma64(u + v);

// betaln: Stirling-cancelled forms for large arguments (3.7e-7 relative measured, about 4 ulp); where both are
// below 8 it is lgamma(a) + lgamma(b) - lgamma(a + b), with an absolute error of a few ulp of those terms.
const betalnTol: Tolerance = {
  rtol: 4 * ULP,
  sensitivity: ([a, b]) => Math.abs((a as number) * psiDiff(a as number, b as number)) + Math.abs((b as number) * psiDiff(b as number, a as number)),
  terms: ([a, b]) =>
    Math.min(a as number, b as number) < 8 && Math.max(a as number, b as number) < 8
      ? 4 * ULP * (Math.abs(lgamma64(a as number)) + Math.abs(lgamma64(b as number)) + Math.abs(lgamma64((a as number) + (b as number))))
      : 0,
};

describe.skipIf(sf === undefined)(`betaln on ${backend}`, () => {
  const { kept, label } = filterCases(sf?.betaln?.cases ?? []);
  const inputs = kept.map(inputsOf);
  const extra = [[0.3, 7.5], [9, 12], [20, 0.05], [3000, 2.5]];

  it(`matches the mpmath values of scipy-values 'betaln': ${label}`, async () => {
    const got = await evaluate(betaln, inputs);
    expectWithin('betaln', got, kept.map((c, i) => ({ inputs: inputs[i] as number[], expected: truth(c), allowed: allowed(betalnTol, inputs[i] as number[], truth(c)) })));
  });

  it('has gradient digamma(a) - digamma(a + b), digamma(b) - digamma(a + b) (float64), also for very unequal a, b', async () => {
    const pts = [...inputs, ...extra];
    const [ga, gb] = await partials(betaln, pts);
    // 4 ulp; sensitivity to rounding a, b (trigamma terms); for a < 10 the digammas are subtracted directly,
    // which leaves a few ulp of |digamma(a)| + |digamma(a + b)|.
    const tolFor = (first: 0 | 1): Tolerance => ({
      rtol: 4 * ULP,
      sensitivity: (xs) => {
        const u = xs[first] as number;
        const v = xs[1 - first] as number;
        return Math.abs(u * (polygamma64(1, u) - polygamma64(1, u + v))) + Math.abs(v * polygamma64(1, u + v));
      },
      terms: (xs) => {
        const u = Math.fround(xs[first] as number);
        const v = Math.fround(xs[1 - first] as number);
        return u < 10 ? 4 * ULP * (Math.abs(digamma64(u)) + Math.abs(digamma64(u + v))) : 0;
      },
    });
    const rows = (first: 0 | 1) =>
      pts.map((xs) => {
        const u = Math.fround(xs[first] as number);
        const v = Math.fround(xs[1 - first] as number);
        const e = psiDiff(u, v);
        return { inputs: xs, expected: e, allowed: allowed(tolFor(first), xs, e) };
      });
    expectWithin('dbetaln/da', ga as Float32Array, rows(0));
    expectWithin('dbetaln/db', gb as Float32Array, rows(1));
  });

  it('is symmetric and broadcasts ([2, 1] with [3] gives [2, 3]; gradients keep the argument shapes)', async () => {
    const a = tf.tensor2d([[0.5], [40]]);
    const b = tf.tensor1d([0.5, 3, 900]);
    const y = betaln(a, b);
    expect(y.shape).toEqual([2, 3]);
    const swapped = betaln(tf.broadcastTo(b, [2, 3]), tf.broadcastTo(a, [2, 3]));
    await expect(y).toBeCloseTensor(swapped, { rtol: 0, atol: 0 });
    swapped.dispose();
    const [ga, gb] = tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(betaln(u, v)))([a, b]);
    expect(ga?.shape).toEqual([2, 1]);
    expect(gb?.shape).toEqual([3]);
    tf.dispose([a, b, y, ga as tf.Tensor, gb as tf.Tensor]);
  });

  it('rejects arguments that do not broadcast, naming them', () => {
    expect(() => betaln([1, 2], [1, 2, 3])).toThrow(/betaln: arguments cannot be broadcast together: a \[2\], b \[3\]/);
  });
});

// x log y: 2 ulp; sensitivity |x log y| (rounding x) + |x| (rounding y: y d/dy = x); nothing at x = 0.
const xlogyTol: Tolerance = {
  rtol: 3 * ULP,
  sensitivity: ([x, y]) => (x === 0 ? 0 : Math.abs((x as number) * Math.log(y as number)) + Math.abs(x as number)),
};
const xlog1pyTol: Tolerance = {
  rtol: 3 * ULP,
  sensitivity: ([x, y]) =>
    x === 0 ? 0 : Math.abs((x as number) * Math.log1p(y as number)) + Math.abs(((x as number) * (y as number)) / (1 + (y as number))),
};

describe.skipIf(sf === undefined)(`xlogy / xlog1py on ${backend}`, () => {
  for (const [key, fn, tol] of [['xlogy', xlogy, xlogyTol], ['xlog1py', xlog1py, xlog1pyTol]] as const) {
    const { kept, label } = filterCases(sf?.[key]?.cases ?? []);
    it(`${key} matches scipy-values '${key}': ${label}`, async () => {
      const inputs = kept.map(inputsOf);
      const got = await evaluate(fn, inputs);
      expectWithin(key, got, kept.map((c, i) => ({ inputs: inputs[i] as number[], expected: truth(c), allowed: allowed(tol, inputs[i] as number[], truth(c)) })));
    });
  }

  it('xlogy: 0 at x = 0 (also for y = 0, y < 0, y = inf), NaN for NaN inputs, x log y otherwise', async () => {
    await expect(xlogy([0, 0, 0, 0, NaN, 2, 1], [0, -1, Infinity, NaN, 1, 0, 0.9999])).toBeCloseTensor(
      [0, 0, 0, NaN, NaN, -Infinity, Math.log(Math.fround(0.9999))],
      { rtol: 3e-7, atol: 0 },
    );
    await expect(xlog1py([0, 0, 3], [-1, NaN, 1e-10])).toBeCloseTensor([0, NaN, 3 * Math.fround(1e-10)], { rtol: 3e-7, atol: 0 });
  });

  it('gradients: log y and x / y, with 0 at x = 0 (and no NaN at x = y = 0)', async () => {
    const pts = [[0, 0], [0, 1], [2, 3], [0.5, 1e-20], [1.5, 0.75]];
    const [gx, gy] = await partials(xlogy, pts);
    await expect(gx as Float32Array).toBeCloseTensor([0, 0, Math.log(3), Math.log(Math.fround(1e-20)), Math.log(0.75)], { rtol: 3e-7, atol: 0 });
    await expect(gy as Float32Array).toBeCloseTensor([0, 0, 2 / 3, 0.5 / Math.fround(1e-20), 2], { rtol: 3e-7, atol: 0 });
    const pts1 = [[0, -1], [0, 2], [3, 1e-10], [1, -0.5]];
    const [hx, hy] = await partials(xlog1py, pts1);
    await expect(hx as Float32Array).toBeCloseTensor([0, Math.log(3), Math.fround(1e-10), Math.log(0.5)], { rtol: 3e-7, atol: 0 });
    await expect(hy as Float32Array).toBeCloseTensor([0, 0, 3 / (1 + Math.fround(1e-10)), 2], { rtol: 3e-7, atol: 0 });
  });

  it('entropy terms p log p have finite gradients at p = 0', async () => {
    const p = tf.tensor1d([0, 0.25, 0.75]);
    const g = await read(tf.grad((v: tf.Tensor) => tf.sum(xlogy(v, v)))(p));
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    expect(g[1]).toBeCloseTo(Math.log(0.25) + 1, 6);
    p.dispose();
  });

  it('broadcasts and rejects shapes that do not, naming the arguments', async () => {
    const y = xlogy([[1], [2]], [1, Math.E]);
    expect(y.shape).toEqual([2, 2]);
    await expect(y).toBeCloseTensor([[0, 1], [0, 2]], { rtol: 1e-6, atol: 1e-7 });
    y.dispose();
    expect(() => xlog1py([1, 2], [1, 2, 3])).toThrow(/xlog1py: arguments cannot be broadcast together: x \[2\], y \[3\]/);
  });

  it('leaks no tensors (values and gradients)', async () => {
    const a = tf.tensor1d([0, 0.5, 2]);
    const b = tf.tensor1d([0, 1.5, 3]);
    for (const fn of [betaln, xlogy, xlog1py]) {
      await expectNoLeaks(() => fn(b, a));
      await expectNoLeaks(() => fn(2, 3));
      await expectNoLeaks(() => tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(fn(u, v)))([b, a]));
    }
    tf.dispose([a, b]);
  });
});
