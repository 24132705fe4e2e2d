import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { erf, erfc, erfinv, logNdtr, ndtr, ndtri } from '../../src/special/index.js';
import {
  allowed,
  backend,
  evaluate,
  expectWithin,
  filterCases,
  inputsOf,
  partials,
  read,
  ref,
  truth,
  ULP,
  webGpuExpRoom,
  type DeviceFn,
  type SpecialCase,
  type Tolerance,
} from './helpers.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const gauss = (x: number): number => TWO_OVER_SQRT_PI * Math.exp(-x * x);
const phi = (x: number): number => Math.exp(-0.5 * x * x - LOG_SQRT_2PI);

interface Spec {
  key: string;
  name: string;
  fn: DeviceFn;
  tol: Tolerance;
  /** expected gradient from the input x and the reference value y = f(x) (float64) */
  grad: (x: number, y: number) => number;
  gradTol: Tolerance;
  filter?: (xs: number[], e: number) => string | undefined;
  /** use another quantity as the reference values (ndtr from exp(log_ndtr)) */
  transform?: (c: SpecialCase) => number;
}

const roundsOntoPole = (xs: number[]): string | undefined =>
  xs.some((v) => Math.abs(Math.fround(v)) === 1 && Math.abs(v) !== 1) ? 'input rounds onto the pole at +-1 in float32' : undefined;

const specs: Spec[] = [
  {
    key: 'erf',
    name: 'erf',
    fn: erf,
    // Polynomial below 1/2 and 1 - exp(-x^2) erfcx(x) above: 2 ulp measured; exp(-x^2)'s error on WebGPU.
    tol: { rtol: 3 * ULP, sensitivity: ([x]) => (x as number) * gauss(x as number), webgpu: ([x]) => webGpuExpRoom((x as number) ** 2) },
    grad: (x) => gauss(x),
    gradTol: { rtol: 4 * ULP, sensitivity: ([x]) => 2 * (x as number) ** 2 * gauss(x as number), webgpu: ([x]) => webGpuExpRoom((x as number) ** 2) },
  },
  {
    key: 'erfc',
    name: 'erfc',
    fn: erfc,
    // exp(-x^2) erfcx(x) with x^2 split exactly: 3.8 ulp measured down to the underflow.
    tol: { rtol: 5 * ULP, sensitivity: ([x]) => (x as number) * gauss(x as number), webgpu: ([x]) => webGpuExpRoom((x as number) ** 2) },
    grad: (x) => -gauss(x),
    gradTol: { rtol: 4 * ULP, sensitivity: ([x]) => 2 * (x as number) ** 2 * gauss(x as number), webgpu: ([x]) => webGpuExpRoom((x as number) ** 2) },
  },
  {
    key: 'erfinv',
    name: 'erfinv',
    fn: erfinv,
    // Fitted G(w) with w = -log(1 - x^2) (Giles's form): 2.5 ulp measured; x erfinv'(x) = x sqrt(pi)/2 exp(y^2).
    tol: { rtol: 3 * ULP, sensitivity: ([x], y) => ((x as number) * Math.exp(y * y)) / TWO_OVER_SQRT_PI },
    grad: (_x, y) => Math.exp(y * y) / TWO_OVER_SQRT_PI,
    // The gradient exp(y^2) sqrt(pi)/2 inherits y's error times 2 y^2: 3 ulp of y gives (6 y^2) ulp.
    // x g'(x) = x 2y g^2 is the sensitivity to rounding x (large near |x| = 1).
    gradTol: {
      rtol: 4 * ULP,
      sensitivity: ([x], g) => (x as number) * 2 * Math.sqrt(Math.log(g * TWO_OVER_SQRT_PI)) * g * g,
      terms: (_xs, g) => 6 * ULP * Math.abs(g) * Math.log(g * TWO_OVER_SQRT_PI),
    },
    filter: roundsOntoPole,
  },
  {
    key: 'ndtri',
    name: 'ndtri',
    fn: ndtri,
    // sqrt2 erfinv(2p - 1) from q = 2 min(p, 1 - p) (exact): 3.1 ulp measured; p ndtri'(p) = p sqrt(2 pi) exp(y^2/2).
    tol: { rtol: 4 * ULP, sensitivity: ([p], y) => (p as number) * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * y * y) },
    grad: (_p, y) => Math.sqrt(2 * Math.PI) * Math.exp(0.5 * y * y),
    // p g'(p) = p y g^2 (sensitivity to rounding p); y's own 4 ulp enter g as 4 y^2 ulp.
    gradTol: {
      rtol: 4 * ULP,
      sensitivity: ([p], g) => (p as number) * Math.sqrt(2 * Math.log(g / Math.sqrt(2 * Math.PI))) * g * g,
      terms: (_ps, g) => 4 * ULP * Math.abs(g) * 2 * Math.log(g / Math.sqrt(2 * Math.PI)),
    },
    filter: roundsOntoPole,
  },
  {
    key: 'log_ndtr',
    name: 'logNdtr',
    fn: logNdtr,
    // -x^2/2 + log(erfcx(-x/sqrt2)/2) in the left tail, log or log1p of Phi elsewhere: 4 ulp measured;
    // x d/dx log Phi = x phi/Phi; on WebGPU the right tail log1p(-Phi(-x)) carries exp(-x^2/2)'s error.
    tol: {
      rtol: 5 * ULP,
      sensitivity: ([x], y) => (x as number) * Math.exp(-0.5 * (x as number) ** 2 - LOG_SQRT_2PI - y),
      webgpu: ([x]) => ((x as number) > 0 ? webGpuExpRoom(0.5 * (x as number) ** 2) : 0),
    },
    // phi/Phi = exp(log phi - log Phi) in float64 with log Phi from mpmath: finite in the far left tail (about -x).
    grad: (x, y) => Math.exp(-0.5 * x * x - LOG_SQRT_2PI - y),
    gradTol: {
      rtol: 6 * ULP,
      sensitivity: ([x], g) => (x as number) * g * (-(x as number) - g),
      webgpu: ([x]) => webGpuExpRoom(0.5 * (x as number) ** 2),
    },
  },
  {
    key: 'log_ndtr',
    name: 'ndtr',
    fn: ndtr,
    // Phi = exp(log Phi) from the mpmath log-CDF values (the reference has no Phi column); 4 ulp measured;
    // x Phi'(x) = x phi(x).
    transform: (c) => Math.exp(truth(c)),
    tol: {
      rtol: 5 * ULP,
      sensitivity: ([x]) => (x as number) * phi(x as number),
      webgpu: ([x]) => webGpuExpRoom(0.5 * (x as number) ** 2),
    },
    grad: (x) => phi(x),
    gradTol: { rtol: 4 * ULP, sensitivity: ([x]) => (x as number) ** 2 * phi(x as number), webgpu: ([x]) => webGpuExpRoom(0.5 * (x as number) ** 2) },
  },
];

for (const spec of specs) {
  const r = ref?.special_functions[spec.key];
  describe.skipIf(r === undefined)(`${spec.name} on ${backend}`, () => {
    const { kept, label } = filterCases(r?.cases ?? [], spec.filter);
    const inputs = kept.map(inputsOf);
    const expected = kept.map((c) => (spec.transform ? spec.transform(c) : truth(c)));

    it(`matches the mpmath values of scipy-values '${spec.key}': ${label}`, async () => {
      const got = await evaluate(spec.fn, inputs);
      expectWithin(spec.name, got, kept.map((_c, i) => ({ inputs: inputs[i] as number[], expected: expected[i] as number, allowed: allowed(spec.tol, inputs[i] as number[], expected[i] as number) })));
    });

    it('has the analytic gradient (float64, from the reference value) at the reference inputs', async () => {
      const rows = inputs
        .map((xs, i) => ({ inputs: xs, expected: spec.grad(xs[0] as number, truth(kept[i] as SpecialCase)) }))
        .filter((row) => Number.isFinite(row.expected) && Math.abs(row.expected) < 3e38);
      const [g] = await partials(spec.fn, rows.map((row) => row.inputs));
      expectWithin(`d${spec.name}`, g as Float32Array, rows.map((row) => ({ ...row, allowed: allowed(spec.gradTol, row.inputs, row.expected) })));
    });
  });
}

describe(`error and normal functions: edge cases on ${backend}`, () => {
  it('limits, domain edges and NaN', async () => {
    await expect(erf([-Infinity, Infinity, NaN])).toBeCloseTensor([-1, 1, NaN]);
    await expect(erfc([-Infinity, Infinity, NaN])).toBeCloseTensor([2, 0, NaN]);
    await expect(erfinv([-1, 1, 1.5, -2, NaN])).toBeCloseTensor([-Infinity, Infinity, NaN, NaN, NaN]);
    await expect(ndtr([-Infinity, Infinity, NaN])).toBeCloseTensor([0, 1, NaN]);
    await expect(ndtri([0, 1, -0.1, 1.1, NaN])).toBeCloseTensor([-Infinity, Infinity, NaN, NaN, NaN]);
    await expect(logNdtr([-Infinity, Infinity, NaN])).toBeCloseTensor([-Infinity, 0, NaN]);
  });

  it('ndtri reaches the smallest normal float32 probabilities and inverts ndtr', async () => {
    // Phi(-13.1) = 1.8e-39 is subnormal: take p from 1e-37 and check Phi(ndtri(p)) = p through logNdtr.
    const p = [1e-37, 1e-30, 1e-20, 1e-8, 0.3];
    const x = ndtri(p);
    const back = await read(logNdtr(x));
    x.dispose();
    // log p is recovered to about 1e-6 relative: the cond of ndtri times float32 rounding of x.
    expect(Array.from(back).map((v, i) => Math.abs(v - Math.log(Math.fround(p[i] as number))) / Math.abs(Math.log(p[i] as number)))).toSatisfy((errs: number[]) => errs.every((e) => e < 2e-6));
  });

  it('logNdtr has a finite gradient about -x far in the left tail, where phi/Phi is 0/0 naively', async () => {
    const xs = [-20, -40, -100, -1000, -1e4];
    const [g] = await partials(logNdtr, xs.map((x) => [x]));
    // phi/Phi = -x (1 + 1/x^2 - 2/x^4 + 10/x^6 - ...) from the Mills-ratio series (float64)
    const expected = xs.map((x) => -x * (1 + 1 / x ** 2 - 2 / x ** 4 + 10 / x ** 6));
    await expect(g as Float32Array).toBeCloseTensor(expected, { rtol: 1e-6, atol: 0 });
  });

  it('accepts numbers and arrays, keeps shapes', async () => {
    expect(erf(0.5).shape).toEqual([]);
    await expect(ndtr([[0], [0]])).toBeCloseTensor([[0.5], [0.5]]);
  });

  it('leaks no tensors (values and gradients)', async () => {
    const x = tf.tensor1d([-0.7, 0.1, 0.6]);
    const p = tf.tensor1d([0.01, 0.5, 0.9]);
    for (const [fn, arg] of [[erf, x], [erfc, x], [erfinv, x], [ndtr, x], [logNdtr, x], [ndtri, p]] as const) {
      await expectNoLeaks(() => fn(arg));
      await expectNoLeaks(() => tf.grad((v: tf.Tensor) => tf.sum(fn(v)))(arg));
    }
    tf.dispose([x, p]);
  });
});
