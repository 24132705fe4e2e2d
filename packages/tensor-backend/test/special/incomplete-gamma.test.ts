import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { igamma, igammac } from '../../src/special/index.js';
import { centralDiff, centralDiff4, digamma64, gammaDensity64, gammaincP64, gammaincQ64, lgamma64, paramStep } from './host-math.js';
import { allowed, backend, evaluate, expectWithin, filterCases, inputsOf, partials, read, ref, truth, ULP, webGpuExpRoom, type Tolerance } from './helpers.js';

const sf = ref?.special_functions;

/** log of the prefactor x^a e^-x / Gamma(a) (float64). */
const logPrefix = (a: number, x: number): number => a * Math.log(x) - x - lgamma64(a);
/**
 * The size of the terms that make up that log in float32: for a < 10 it is summed from a log x, x and lgamma(a);
 * from a = 10 on it is formed without large cancelling terms, so its own size.
 */
const prefixTerms = (a: number, x: number): number =>
  a < 10 ? Math.abs(a * Math.log(x)) + Math.abs(x) + Math.abs(lgamma64(a)) : Math.abs(logPrefix(a, x));
/** dP/da by a five-point float64 difference of the float64 series / continued fraction. */
const dPda = (a: number, x: number): number =>
  centralDiff4((t) => gammaincP64(t, x), a, paramStep(a, Math.log(x) - digamma64(a)));

// P and Q in float32: fixed-step series / continued fraction and Temme's expansion, 8 ulp for the algorithm
// (sums of up to 40 terms; measured p99 below 4e-6 only in the far tails, where the next terms dominate);
// the prefactor exp(L) carries L's absolute error (a few ulp of its terms) into a relative error of P;
// the inputs' rounding enters through a dP/da and x dP/dx; on WebGPU, exp(L) has (3 + 2|L|) ulp.
function incompleteGammaTol(upper: boolean): Tolerance {
  const sign = upper ? -1 : 1;
  return {
    rtol: 8 * ULP,
    terms: ([a, x], e) => 4 * ULP * prefixTerms(a as number, x as number) * Math.abs(e),
    sensitivity: ([a, x]) => Math.abs(sign * (a as number) * dPda(a as number, x as number)) + Math.abs((x as number) * gammaDensity64(a as number, x as number)),
    webgpu: ([a, x]) => webGpuExpRoom(logPrefix(a as number, x as number)),
  };
}

// Points across the regions: small a (series / small-x Q series), moderate a (continued fraction), and a >= 10
// near x = a (Temme), out to a = 1e6, from the left tail (P ~ 1e-30) to the right tail (Q ~ 1e-30).
function grid(): number[][] {
  const pts: number[][] = [];
  for (const a of [0.001, 0.05, 0.5, 1, 3.7, 9.9, 10.5, 25, 150, 1000, 3e4, 1e6]) {
    for (const z of [-8, -3, -1, -0.2, 0, 0.2, 1, 3, 8]) {
      const x = Math.fround(a * (1 + z / Math.sqrt(Math.max(a, 1))));
      if (x > 0) pts.push([Math.fround(a), x]);
    }
    for (const x of [1e-4, 0.3, 1.05, 40]) pts.push([Math.fround(a), Math.fround(x)]);
  }
  return pts;
}

describe.skipIf(sf === undefined)(`igamma / igammac on ${backend}`, () => {
  const { kept, label } = filterCases(sf?.gammainc_P?.cases ?? []);
  const inputs = kept.map(inputsOf);

  it(`igamma matches the mpmath values of scipy-values 'gammainc_P': ${label}`, async () => {
    const got = await evaluate(igamma, inputs);
    const tol = incompleteGammaTol(false);
    expectWithin('igamma', got, kept.map((c, i) => ({ inputs: inputs[i] as number[], expected: truth(c), allowed: allowed(tol, inputs[i] as number[], truth(c)) })));
  });

  it(`igammac matches 1 - P of the same cases: ${label}`, async () => {
    const got = await evaluate(igammac, inputs);
    const tol = incompleteGammaTol(true);
    expectWithin('igammac', got, kept.map((c, i) => ({ inputs: inputs[i] as number[], expected: 1 - truth(c), allowed: allowed(tol, inputs[i] as number[], 1 - truth(c)) })));
  });

  const pts = grid();
  it(`igamma and igammac match float64 series / continued fractions on ${pts.length} points up to a = 1e6, each tail directly`, async () => {
    const p = await evaluate(igamma, pts);
    const q = await evaluate(igammac, pts);
    // judge each of P and Q only where it is not the complement of a number near 1 (below 1/2), and above 1e-30
    const rows = (upper: boolean, got: Float32Array) =>
      pts
        .map((xs, i) => {
          const e = upper ? gammaincQ64(xs[0] as number, xs[1] as number) : gammaincP64(xs[0] as number, xs[1] as number);
          return { xs, e, g: got[i] as number };
        })
        .filter(({ e }) => e > 1e-30 && e <= 0.5);
    for (const [upper, got] of [[false, p], [true, q]] as const) {
      const rs = rows(upper, got);
      const tol = incompleteGammaTol(upper);
      expectWithin(upper ? 'igammac' : 'igamma', Float32Array.from(rs.map((r) => r.g)), rs.map((r) => ({ inputs: r.xs, expected: r.e, allowed: allowed(tol, r.xs, r.e) })));
    }
  });

  it('gradients: dP/dx is the Gamma density, dP/da matches float64 central differences (Temme, series and fraction)', async () => {
    const rows = pts.filter(([a, x]) => {
      const pv = gammaincP64(a as number, x as number);
      return pv > 1e-25 && pv < 1 - 1e-6;
    });
    const [ga, gx] = await partials(igamma, rows);
    // Forward-mode derivatives through the same fixed steps: 32 ulp, the prefactor's |L| term as for the values,
    // and the rounding of a, x through the second derivatives (estimated by float64 differences).
    const gradTol = (which: 'a' | 'x'): Tolerance => ({
      rtol: 32 * ULP,
      terms: ([a, x], e) => 4 * ULP * prefixTerms(a as number, x as number) * Math.abs(e),
      sensitivity: ([a, x]) => {
        const av = a as number;
        const xv = x as number;
        const d = gammaDensity64(av, xv);
        const dDensDa = d * (Math.log(xv) - digamma64(av));
        if (which === 'x') return Math.abs(av * dDensDa) + Math.abs(xv * d * ((av - 1) / xv - 1));
        return Math.abs(av * centralDiff((t) => dPda(t, xv), av, paramStep(av, Math.log(xv) - digamma64(av)))) + Math.abs(xv * dDensDa);
      },
      webgpu: ([a, x]) => webGpuExpRoom(logPrefix(a as number, x as number)),
    });
    expectWithin('dP/da', ga as Float32Array, rows.map((xs) => {
      const e = dPda(xs[0] as number, xs[1] as number);
      return { inputs: xs, expected: e, allowed: allowed(gradTol('a'), xs, e) };
    }));
    expectWithin('dP/dx', gx as Float32Array, rows.map((xs) => {
      const e = gammaDensity64(xs[0] as number, xs[1] as number);
      return { inputs: xs, expected: e, allowed: allowed(gradTol('x'), xs, e) };
    }));
    // igammac's gradients are the negatives
    const [qa, qx] = await partials(igammac, rows.slice(0, 6));
    const [pa, px] = await partials(igamma, rows.slice(0, 6));
    await expect(qa as Float32Array).toBeCloseTensor(Array.from(pa as Float32Array, (v) => -v), { rtol: 0, atol: 0 });
    await expect(qx as Float32Array).toBeCloseTensor(Array.from(px as Float32Array, (v) => -v), { rtol: 0, atol: 0 });
  });

  it('boundaries, invalid arguments and NaN', async () => {
    await expect(igamma([2, 2, 0.5, 0, -1, 2, NaN, 2], [0, Infinity, 0, 1, 1, -1, 1, NaN])).toBeCloseTensor([0, 1, 0, NaN, NaN, NaN, NaN, NaN]);
    await expect(igammac([2, 2, 0, -1], [0, Infinity, 1, 1])).toBeCloseTensor([1, 0, NaN, NaN]);
    // gradients at x = 0: density 0 for a > 1, 1 for a = 1, +inf for a < 1; d/da = 0 there
    const [ga, gx] = await partials(igamma, [[2, 0], [1, 0], [0.5, 0]]);
    await expect(gx as Float32Array).toBeCloseTensor([0, 1, Infinity]);
    await expect(ga as Float32Array).toBeCloseTensor([0, 0, 0]);
  });

  it('broadcasts (a [3, 1] with x [4]) and returns gradients in the argument shapes', async () => {
    const a = tf.tensor2d([[0.5], [2], [30]]);
    const x = tf.tensor1d([0.1, 1, 5, 35]);
    const y = igamma(a, x);
    expect(y.shape).toEqual([3, 4]);
    const expected = [0.5, 2, 30].map((av) => [0.1, 1, 5, 35].map((xv) => gammaincP64(av, Math.fround(xv))));
    await expect(y).toBeCloseTensor(expected, { rtol: 2e-6, atol: 1e-7 });
    const [ga, gx] = tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(igamma(u, v)))([a, x]);
    expect(ga?.shape).toEqual([3, 1]);
    expect(gx?.shape).toEqual([4]);
    expect(() => igamma([1, 2], [1, 2, 3])).toThrow(/igamma: arguments cannot be broadcast together: a \[2\], x \[3\]/);
    tf.dispose([a, x, y, ga as tf.Tensor, gx as tf.Tensor]);
  });

  it('leaks no tensors (values and gradients)', async () => {
    const a = tf.tensor1d([0.3, 4, 50]);
    const x = tf.tensor1d([0.2, 6, 48]);
    for (const fn of [igamma, igammac]) {
      await expectNoLeaks(() => fn(a, x));
      await expectNoLeaks(() => fn(2, 1.5));
      await expectNoLeaks(() => tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(fn(u, v)))([a, x]));
    }
    tf.dispose([a, x]);
    expect(await read(igamma(1, 1))).toHaveLength(1);
  });
});
