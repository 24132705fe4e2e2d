import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { digamma, lgamma, polygamma, trigamma } from '../../src/special/index.js';
import { lgamma64, polygamma64 } from './host-math.js';
import { allowed, backend, evaluate, expectWithin, filterCases, inputsOf, partials, read, ref, truth, ULP, type Tolerance } from './helpers.js';

const psi = (n: number, x: number): number => polygamma64(n, x);

// Reflection (x < 0) adds and subtracts terms of size |log(pi/|sin(pi x)|)| and |lgamma(1 - x)| (or |pi cot(pi x)|
// and |digamma(1 - x)|): float32 leaves an absolute error of a few ulps of those terms, which dominates near the
// zeros of lgamma and digamma on the negative axis.
const lgammaReflectionTerms = (x: number): number =>
  x < 0 ? Math.abs(Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x)))) + Math.abs(lgamma64(1 - x)) : 0;
const digammaReflectionTerms = (x: number): number =>
  x < 0 ? Math.abs(Math.PI / Math.tan(Math.PI * x)) + Math.abs(psi(0, 1 - x)) : 0;

// lgamma: polynomials near 1 and 2, Stirling above 8 (measured 2.4 ulp); condition x digamma(x) / lgamma(x),
// which is large near the zeros x = 1, 2 and near the poles.
const lgammaTol: Tolerance = {
  rtol: 4 * ULP,
  sensitivity: ([x]) => (x as number) * psi(0, x as number),
  terms: ([x]) => 4 * ULP * lgammaReflectionTerms(x as number),
};
// digamma: fit around its root (keeps relative precision there), recurrence, asymptotic series; 2.4 ulp measured.
const digammaTol: Tolerance = {
  rtol: 4 * ULP,
  sensitivity: ([x]) => (x as number) * psi(1, x as number),
  terms: ([x]) => 4 * ULP * digammaReflectionTerms(x as number),
};
// trigamma: recurrence and Euler-Maclaurin tail, 3.7 ulp measured (4.8 with reflection).
const trigammaTol: Tolerance = { rtol: 6 * ULP, sensitivity: ([x]) => (x as number) * psi(2, x as number) };

const sf = ref?.special_functions;

describe.skipIf(sf === undefined)(`lgamma / digamma / trigamma against scipy-values on ${backend}`, () => {
  const lg = filterCases(sf?.lgamma?.cases ?? []);
  const dg = filterCases(sf?.digamma?.cases ?? []);
  const tg = filterCases(sf?.trigamma?.cases ?? []);

  it(`lgamma matches mpmath: ${lg.label}`, async () => {
    const xs = lg.kept.map(inputsOf);
    const got = await evaluate(lgamma, xs);
    expectWithin('lgamma', got, lg.kept.map((c, i) => ({ inputs: xs[i] as number[], expected: truth(c), allowed: allowed(lgammaTol, xs[i] as number[], truth(c)) })));
  });

  it(`digamma matches mpmath (incl. its positive root): ${dg.label}`, async () => {
    const xs = dg.kept.map(inputsOf);
    const got = await evaluate(digamma, xs);
    expectWithin('digamma', got, dg.kept.map((c, i) => ({ inputs: xs[i] as number[], expected: truth(c), allowed: allowed(digammaTol, xs[i] as number[], truth(c)) })));
  });

  it(`trigamma matches mpmath: ${tg.label}`, async () => {
    const xs = tg.kept.map(inputsOf);
    const got = await evaluate(trigamma, xs);
    expectWithin('trigamma', got, tg.kept.map((c, i) => ({ inputs: xs[i] as number[], expected: truth(c), allowed: allowed(trigammaTol, xs[i] as number[], truth(c)) })));
  });

  it(`the gradient of lgamma is digamma (mpmath digamma values as expectations): ${dg.label}`, async () => {
    const xs = dg.kept.map(inputsOf);
    const [g] = await partials(lgamma, xs);
    expectWithin('dlgamma', g as Float32Array, dg.kept.map((c, i) => ({ inputs: xs[i] as number[], expected: truth(c), allowed: allowed(digammaTol, xs[i] as number[], truth(c)) })));
  });

  it(`the gradient of digamma is trigamma (mpmath trigamma values as expectations): ${tg.label}`, async () => {
    const xs = tg.kept.map(inputsOf);
    const [g] = await partials(digamma, xs);
    expectWithin('ddigamma', g as Float32Array, tg.kept.map((c, i) => ({ inputs: xs[i] as number[], expected: truth(c), allowed: allowed(trigammaTol, xs[i] as number[], truth(c)) })));
  });
});

describe(`polygamma on ${backend}`, () => {
  const points = [0.05, 0.5, 1, 1.75, 3.2, 9.5, 10.5, 47, 1000, -0.5, -1.3, -2.75, -7.6];

  for (const n of [2, 3]) {
    it(`polygamma(${n}, x) matches the float64 series at ${points.length} points (x < 0 by reflection)`, async () => {
      const got = await read(polygamma(n, points));
      // 8 ulp: n+1 reciprocal powers in the recurrence; sensitivity x polygamma(n + 1, x); reflection terms for x < 0
      // are of the size of pi^(n+1) |p_n(cot)|, bounded here by |polygamma(n, x)| + |polygamma(n, 1 - x)|.
      const tol: Tolerance = {
        rtol: 8 * ULP,
        sensitivity: ([x]) => (x as number) * psi(n + 1, x as number),
        terms: ([x]) => ((x as number) < 0 ? 8 * ULP * Math.abs(psi(n, 1 - (x as number))) : 0),
      };
      expectWithin(`polygamma(${n})`, got, points.map((x) => {
        const e = psi(n, Math.fround(x));
        return { inputs: [x], expected: e, allowed: allowed(tol, [x], e) };
      }));
    });
  }

  it('the gradient of trigamma is polygamma(2) (float64 series)', async () => {
    const [g] = await partials(trigamma, points.map((x) => [x]));
    const tol: Tolerance = {
      rtol: 8 * ULP,
      sensitivity: ([x]) => (x as number) * psi(3, x as number),
      terms: ([x]) => ((x as number) < 0 ? 8 * ULP * Math.abs(psi(2, 1 - (x as number))) : 0),
    };
    expectWithin('dtrigamma', g as Float32Array, points.map((x) => {
      const e = psi(2, Math.fround(x));
      return { inputs: [x], expected: e, allowed: allowed(tol, [x], e) };
    }));
  });

  it('polygamma(0, x) is digamma and polygamma(1, x) is trigamma', async () => {
    const x = tf.tensor1d([0.3, 2.5, 40]);
    await expect(polygamma(0, x)).toBeCloseTensor(await read(digamma(x)), { rtol: 0, atol: 0 });
    await expect(polygamma(1, x)).toBeCloseTensor(await read(trigamma(x)), { rtol: 0, atol: 0 });
    x.dispose();
  });

  it('rejects an order that is not an integer in [0, 8], naming it', () => {
    expect(() => polygamma(-1, 1)).toThrow(/polygamma: order n must be an integer in \[0, 8\], got -1/);
    expect(() => polygamma(1.5, 1)).toThrow(/got 1.5/);
    expect(() => polygamma(9, 1)).toThrow(/got 9/);
  });
});

describe(`gamma-family edge cases on ${backend}`, () => {
  it('poles, infinities and NaN', async () => {
    await expect(lgamma([0, -1, -2, -1e30, Infinity, -Infinity, NaN])).toBeCloseTensor([Infinity, Infinity, Infinity, Infinity, Infinity, -Infinity, NaN]);
    await expect(digamma([0, -1, -3, Infinity, NaN])).toBeCloseTensor([-Infinity, NaN, NaN, Infinity, NaN]);
    await expect(trigamma([0, -2, NaN])).toBeCloseTensor([Infinity, Infinity, NaN]);
  });

  it('keeps lgamma exactly 0 at 1 and 2 and relative precision next to them', async () => {
    const xs = [1, 2, 1 + 2 ** -20, 2 - 2 ** -20];
    const got = await read(lgamma(xs));
    expect(got[0]).toBe(0);
    expect(got[1]).toBe(0);
    // lgamma(1 + e) = -euler e + ..., lgamma(2 - e) = -(1 - euler) e + ...; float64 Lanczos as the reference.
    expect(Math.abs((got[2] as number) / lgamma64(xs[2] as number) - 1)).toBeLessThan(4 * ULP);
    expect(Math.abs((got[3] as number) / lgamma64(xs[3] as number) - 1)).toBeLessThan(4 * ULP);
  });

  it('has a second derivative: d2/dx2 lgamma = trigamma', async () => {
    const x = tf.tensor1d([0.5, 3, 12]);
    const g2 = tf.grad((v: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(lgamma(u)))(v)))(x);
    await expect(g2).toBeCloseTensor([psi(1, 0.5), psi(1, 3), psi(1, 12)], { rtol: 1e-6, atol: 0 });
    tf.dispose([x, g2]);
  });

  it('leaks no tensors (values and gradients)', async () => {
    const x = tf.tensor1d([0.3, 2.5, -1.5]);
    for (const fn of [lgamma, digamma, trigamma, (v: tf.Tensor) => polygamma(2, v)]) {
      await expectNoLeaks(() => fn(x));
      await expectNoLeaks(() => tf.grad((v: tf.Tensor) => tf.sum(fn(v)))(x));
    }
    await expectNoLeaks(() => polygamma(3, 1.5));
    x.dispose();
  });
});
