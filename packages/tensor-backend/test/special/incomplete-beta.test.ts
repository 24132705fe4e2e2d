import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { betainc } from '../../src/special/index.js';
import { betaDensity64, betainc64, centralDiff4, digamma64, lbeta64, paramStep } from './host-math.js';
import { allowed, backend, evaluate, expectWithin, filterCases, inputsOf, partials, ref, truth, ULP, webGpuExpRoom, type Tolerance } from './helpers.js';

const sf = ref?.special_functions;

const logPrefix = (a: number, b: number, x: number): number => a * Math.log(x) + b * Math.log1p(-x) - lbeta64(a, b);
/** Terms of that log in float32: below a, b = 10 summed from a log x, b log(1-x), betaln; above, formed without cancellation. */
const prefixTerms = (a: number, b: number, x: number): number =>
  Math.min(a, b) < 10 ? Math.abs(a * Math.log(x)) + Math.abs(b * Math.log1p(-x)) + Math.abs(lbeta64(a, b)) : Math.abs(logPrefix(a, b, x)) + 1;
/** The continued fraction computes the tail below (a + 1) / (a + b + 2); the other tail is 1 minus it. */
const computedTail = (a: number, b: number, x: number, e: number): number => (x > (a + 1) / (a + b + 2) ? 1 - e : e);

const rateA = (a: number, b: number, x: number): number => Math.log(x) - digamma64(a) + digamma64(a + b);
const rateB = (a: number, b: number, x: number): number => Math.log1p(-x) - digamma64(b) + digamma64(a + b);
const dIda = (a: number, b: number, x: number): number => centralDiff4((t) => betainc64(t, b, x), a, paramStep(a, rateA(a, b, x)));
const dIdb = (a: number, b: number, x: number): number => centralDiff4((t) => betainc64(a, t, x), b, paramStep(b, rateB(a, b, x)));

// Error model: the continued fraction (40 step pairs, frozen once converged) is good to ~16 ulp of the tail it
// computes; the prefactor x^a (1-x)^b / B(a, b) carries a few ulp of its log's terms into that tail; when the
// result is 1 minus the computed tail, that absolute error is what remains. Inputs' rounding enters through
// a dI/da and b dI/db; for x, through (x + (1 - x)) dI/dx = dI/dx, because the fraction runs in whichever of
// x and 1 - x is below the mean, and its float32 rounding acts like a relative perturbation of that variable.
// On WebGPU exp of the prefactor has (3 + 2|log|) ulp.
const valueTol: Tolerance = {
  rtol: 8 * ULP,
  terms: ([a, b, x], e) => {
    const tail = computedTail(a as number, b as number, x as number, e);
    return (16 * ULP + 4 * ULP * prefixTerms(a as number, b as number, x as number) + webGpuExpRoom(logPrefix(a as number, b as number, x as number))) * tail;
  },
  sensitivity: ([a, b, x]) =>
    Math.abs((a as number) * dIda(a as number, b as number, x as number)) +
    Math.abs((b as number) * dIdb(a as number, b as number, x as number)) +
    Math.abs(betaDensity64(a as number, b as number, x as number)),
};

function grid(): number[][] {
  const pts: number[][] = [];
  const shapes = [0.05, 0.5, 1, 3, 20, 150, 1000];
  for (const a of shapes) {
    for (const b of shapes) {
      const m = a / (a + b);
      const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
      for (const x of [1e-4, 0.5, 1 - 1e-4, m - 2 * sd, m, m + 2 * sd]) {
        const xf = Math.fround(x);
        if (xf <= 0 || xf >= 1) continue;
        const e = betainc64(a, b, xf);
        // keep values the float64 reference itself resolves (its small swapped tails are complements too)
        if (e > 1e-20 && e < 1 - 1e-6 && !(computedTail(a, b, xf, e) !== e && e < 1e-6)) pts.push([a, b, xf]);
      }
    }
  }
  return pts;
}

describe.skipIf(sf === undefined)(`betainc on ${backend}`, () => {
  const { kept, label } = filterCases(sf?.betainc_I?.cases ?? []);
  const inputs = kept.map(inputsOf);

  it(`matches the mpmath values of scipy-values 'betainc_I': ${label}`, async () => {
    const got = await evaluate(betainc, inputs);
    expectWithin('betainc', got, kept.map((c, i) => ({ inputs: inputs[i] as number[], expected: truth(c), allowed: allowed(valueTol, inputs[i] as number[], truth(c)) })));
  });

  const pts = grid();
  it(`matches the float64 continued fraction on ${pts.length} points (a, b from 0.05 to 1000, x in both tails)`, async () => {
    const got = await evaluate(betainc, pts);
    expectWithin('betainc', got, pts.map((xs) => {
      const e = betainc64(xs[0] as number, xs[1] as number, xs[2] as number);
      return { inputs: xs, expected: e, allowed: allowed(valueTol, xs, e) };
    }));
  });

  it('gradients: dI/dx is the Beta density, dI/da and dI/db match float64 five-point differences', async () => {
    const rows = pts.filter(([a, b, x]) => {
      const e = betainc64(a as number, b as number, x as number);
      return e > 1e-12 && e < 1 - 1e-6;
    });
    const [ga, gb, gx] = await partials(betainc, rows);
    // forward-mode through the same 80 fraction steps: 32 ulp, the prefactor terms as for the values, and
    // the inputs' rounding through the second derivatives (float64 differences of the first ones). The a- and
    // b-derivatives add the fraction's tangent to tail * (log-derivative of the prefactor); where those two
    // nearly cancel, 32 ulp of their size is what float32 can resolve: tail (|rate_a| + |rate_b|) for the prefactor
    // part, and tail / min(a, b) for the fraction's tangent (it varies on the scale min(a, b) in a and b).
    const tolFor = (d: (a: number, b: number, x: number) => number): Tolerance => ({
      rtol: 32 * ULP,
      terms: ([a, b, x], e) => {
        const [av, bv, xv] = [a as number, b as number, x as number];
        const tail = computedTail(av, bv, xv, betainc64(av, bv, xv));
        const cancel =
          d === betaDensity64 ? 0 : 32 * ULP * tail * (Math.abs(rateA(av, bv, xv)) + Math.abs(rateB(av, bv, xv)) + 1 / Math.min(av, bv));
        return (4 * ULP * prefixTerms(av, bv, xv) + webGpuExpRoom(logPrefix(av, bv, xv))) * Math.abs(e) + cancel;
      },
      sensitivity: ([a, b, x]) => {
        const [av, bv, xv] = [a as number, b as number, x as number];
        return (
          Math.abs(av * centralDiff4((t) => d(t, bv, xv), av, paramStep(av, rateA(av, bv, xv)))) +
          Math.abs(bv * centralDiff4((t) => d(av, t, xv), bv, paramStep(bv, rateB(av, bv, xv)))) +
          Math.abs(centralDiff4((t) => d(av, bv, t), xv, 1e-3 * Math.min(xv, 1 - xv)))
        );
      },
    });
    const check = (label: string, g: Float32Array, d: (a: number, b: number, x: number) => number) => {
      const tol = tolFor(d);
      expectWithin(label, g, rows.map((xs) => {
        const e = d(xs[0] as number, xs[1] as number, xs[2] as number);
        return { inputs: xs, expected: e, allowed: allowed(tol, xs, e) };
      }));
    };
    check('dI/da', ga as Float32Array, dIda);
    check('dI/db', gb as Float32Array, dIdb);
    check('dI/dx', gx as Float32Array, betaDensity64);
  });

  it('boundaries, invalid arguments and NaN', async () => {
    await expect(betainc([2, 2, 0, 2, -1, 2, NaN], [3, 3, 1, 0, 1, 1, 1], [0, 1, 0.5, 0.5, 0.5, 1.5, 0.5])).toBeCloseTensor([0, 1, NaN, NaN, NaN, NaN, NaN]);
    // I_x(1, 1) = x and I_x(a, 1) = x^a exactly known
    await expect(betainc([1, 2.5], [1, 1], [0.3, 0.6])).toBeCloseTensor([0.3, 0.6 ** 2.5], { rtol: 1e-6 });
    // gradient at the edges: the density's limits, and 0 in a and b
    const [ga, gb, gx] = await partials(betainc, [[0.5, 2, 0], [1, 3, 0], [2, 3, 1], [2, 1, 1]]);
    await expect(gx as Float32Array).toBeCloseTensor([Infinity, 3, 0, 2]);
    await expect(ga as Float32Array).toBeCloseTensor([0, 0, 0, 0]);
    await expect(gb as Float32Array).toBeCloseTensor([0, 0, 0, 0]);
  });

  it('broadcasts three arguments and returns gradients in their shapes', async () => {
    const a = tf.tensor2d([[0.5], [4]]);
    const b = tf.tensor1d([2, 30]);
    const x = tf.scalar(0.2);
    const y = betainc(a, b, x);
    expect(y.shape).toEqual([2, 2]);
    await expect(y).toBeCloseTensor([[betainc64(0.5, 2, Math.fround(0.2)), betainc64(0.5, 30, Math.fround(0.2))], [betainc64(4, 2, Math.fround(0.2)), betainc64(4, 30, Math.fround(0.2))]], { rtol: 2e-6, atol: 1e-7 });
    const g = tf.grads((u: tf.Tensor, v: tf.Tensor, w: tf.Tensor) => tf.sum(betainc(u, v, w)))([a, b, x]);
    expect(g.map((t) => t.shape)).toEqual([[2, 1], [2], []]);
    expect(() => betainc([1, 2], [1, 2, 3], 0.5)).toThrow(/betainc: arguments cannot be broadcast together: a \[2\], b \[3\], x \[\]/);
    tf.dispose([a, b, x, y, ...g]);
  });

  it('leaks no tensors (values and gradients)', async () => {
    const a = tf.tensor1d([0.3, 4, 50]);
    const b = tf.tensor1d([2, 0.7, 60]);
    const x = tf.tensor1d([0.2, 0.9, 0.45]);
    await expectNoLeaks(() => betainc(a, b, x));
    await expectNoLeaks(() => betainc(2, 3, 0.5));
    await expectNoLeaks(() => tf.grads((u: tf.Tensor, v: tf.Tensor, w: tf.Tensor) => tf.sum(betainc(u, v, w)))([a, b, x]));
    tf.dispose([a, b, x]);
  });
});
