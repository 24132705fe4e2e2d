import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { expm1, log1p, logit, logSigmoid, sigmoid, softplus } from '../../src/special/index.js';
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
  type Tolerance,
} from './helpers.js';

const sig64 = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

interface Spec {
  key: string;
  name: string;
  fn: DeviceFn;
  tol: Tolerance;
  /** f'(x) in float64 (the gradient expectation) and x f''(x) (its sensitivity to rounding x) */
  d1: (x: number) => number;
  xd2: (x: number) => number;
  filter?: (xs: number[], e: number) => string | undefined;
}

// Rounding onto a pole: 1 - 1e-10 is 1 in float32, where logit is +Infinity; the float32 problem is a different one.
const roundsOntoPole = (xs: number[]): string | undefined =>
  xs.some((v) => (Math.fround(v) === 1 && v !== 1) || (Math.fround(v) === 0 && v !== 0))
    ? 'input rounds onto the pole at 0 or 1 in float32'
    : undefined;

const specs: Spec[] = [
  {
    key: 'log1p',
    name: 'log1p',
    fn: log1p,
    // Closed form (atanh series near 0, Kahan-corrected log elsewhere): measured within 2 ulp on all backends.
    tol: { rtol: 3 * ULP, sensitivity: ([x]) => (x as number) / (1 + (x as number)) },
    d1: (x) => 1 / (1 + x),
    xd2: (x) => -x / (1 + x) ** 2,
  },
  {
    key: 'expm1',
    name: 'expm1',
    fn: expm1,
    // Taylor series below ln2/2, exp(x) - 1 above: 2 ulp, plus WebGPU's exp error above ln2/2.
    tol: { rtol: 3 * ULP, sensitivity: ([x]) => (x as number) * Math.exp(x as number), webgpu: ([x]) => webGpuExpRoom(x as number) },
    d1: (x) => Math.exp(x),
    xd2: (x) => x * Math.exp(x),
  },
  {
    key: 'softplus',
    name: 'softplus',
    fn: softplus,
    // max(x, 0) + log1p(exp(-|x|)): 3 ulp, plus exp's error on WebGPU.
    tol: { rtol: 4 * ULP, sensitivity: ([x]) => (x as number) * sig64(x as number), webgpu: ([x]) => webGpuExpRoom(x as number) },
    d1: (x) => sig64(x),
    xd2: (x) => x * sig64(x) * sig64(-x),
  },
  {
    key: 'log_sigmoid',
    name: 'logSigmoid',
    fn: logSigmoid,
    tol: { rtol: 4 * ULP, sensitivity: ([x]) => (x as number) * sig64(-(x as number)), webgpu: ([x]) => webGpuExpRoom(x as number) },
    d1: (x) => sig64(-x),
    xd2: (x) => -x * sig64(x) * sig64(-x),
  },
  {
    key: 'sigmoid',
    name: 'sigmoid',
    fn: sigmoid,
    tol: {
      rtol: 3 * ULP,
      sensitivity: ([x], e) => (x as number) * e * sig64(-(x as number)),
      webgpu: ([x]) => webGpuExpRoom(x as number),
    },
    d1: (x) => sig64(x) * sig64(-x),
    xd2: (x) => x * sig64(x) * sig64(-x) * (1 - 2 * sig64(x)),
  },
  {
    key: 'logit',
    name: 'logit',
    fn: logit,
    // log1p of an exactly formed ratio: 2 ulp; x f'(x) = 1 / (1 - x).
    tol: { rtol: 3 * ULP, sensitivity: ([x]) => 1 / (1 - (x as number)) },
    d1: (x) => 1 / (x * (1 - x)),
    xd2: (x) => (2 * x - 1) / (x * (1 - x) ** 2),
    filter: roundsOntoPole,
  },
];

for (const spec of specs) {
  const r = ref?.special_functions[spec.key];
  describe.skipIf(r === undefined)(`${spec.name} on ${backend}`, () => {
    const { kept, label } = filterCases(r?.cases ?? [], spec.filter);
    const inputs = kept.map(inputsOf);

    it(`matches the mpmath values of scipy-values '${spec.key}': ${label}`, async () => {
      const got = await evaluate(spec.fn, inputs);
      expectWithin(spec.name, got, kept.map((c, i) => ({ inputs: inputs[i] as number[], expected: truth(c), allowed: allowed(spec.tol, inputs[i] as number[], truth(c)) })));
    });

    it("has the analytic float64 gradient at the reference inputs", async () => {
      const finite = inputs.filter(([x]) => Number.isFinite(spec.d1(x as number)));
      const [g] = await partials(spec.fn, finite);
      // Gradient tolerance: 4 ulp, the sensitivity x f''(x) 2^-24 to rounding x, and exp's error on WebGPU.
      const gradTol: Tolerance = {
        rtol: 4 * ULP,
        sensitivity: ([x]) => spec.xd2(x as number),
        webgpu: ([x]) => webGpuExpRoom(x as number),
      };
      expectWithin(`d${spec.name}`, g as Float32Array, finite.map((xs) => {
        const e = spec.d1(xs[0] as number);
        return { inputs: xs, expected: e, allowed: allowed(gradTol, xs, e) };
      }));
    });
  });
}

describe(`log/exp family edge cases on ${backend}`, () => {
  it('propagates NaN through every function', async () => {
    for (const fn of [log1p, expm1, softplus, logSigmoid, sigmoid, logit]) {
      await expect(fn([NaN, 0.5])).toBeCloseTensor([NaN, await read(fn(0.5)).then((v) => v[0] as number)]);
    }
  });

  it('handles infinities and domain edges', async () => {
    await expect(log1p([-1, -2, Infinity])).toBeCloseTensor([-Infinity, NaN, Infinity]);
    await expect(expm1([-Infinity, Infinity, -100])).toBeCloseTensor([-1, Infinity, -1]);
    await expect(softplus([-Infinity, Infinity])).toBeCloseTensor([0, Infinity]);
    await expect(logSigmoid([-Infinity, Infinity])).toBeCloseTensor([-Infinity, 0]);
    await expect(sigmoid([-Infinity, Infinity])).toBeCloseTensor([0, 1]);
    await expect(logit([0, 1, -0.5, 1.5])).toBeCloseTensor([-Infinity, Infinity, NaN, NaN]);
  });

  it('does not overflow where tf.softplus / naive forms would (values and gradients finite)', async () => {
    const x = tf.tensor1d([-1e4, -100, 100, 1e4]);
    await expect(softplus(x)).toBeCloseTensor([0, 3.720075976020836e-44, 100, 1e4], { rtol: 1e-6, atol: 1e-38 });
    await expect(logSigmoid(x)).toBeCloseTensor([-1e4, -100, -3.720075976020836e-44, 0], { rtol: 1e-6, atol: 1e-38 });
    for (const fn of [softplus, logSigmoid, sigmoid]) {
      const g = await read(tf.grad((v: tf.Tensor) => tf.sum(fn(v)))(x));
      expect(Array.from(g).every(Number.isFinite)).toBe(true);
    }
    x.dispose();
  });

  it('keeps relative precision next to 0 (1e-30, -1e-7)', async () => {
    await expect(log1p([1e-30, -1e-7])).toBeCloseTensor([Math.log1p(Math.fround(1e-30)), Math.log1p(Math.fround(-1e-7))], { rtol: 3e-7, atol: 0 });
    await expect(expm1([1e-30, -1e-7])).toBeCloseTensor([Math.expm1(Math.fround(1e-30)), Math.expm1(Math.fround(-1e-7))], { rtol: 3e-7, atol: 0 });
  });

  it('accepts numbers, nested arrays and int32 tensors and returns float32 tensors of the input shape', async () => {
    const i = tf.tensor2d([[0, 1], [2, 3]], [2, 2], 'int32');
    const y = expm1(i);
    expect(y.dtype).toBe('float32');
    expect(y.shape).toEqual([2, 2]);
    await expect(y).toBeCloseTensor([[0, Math.E - 1], [Math.exp(2) - 1, Math.exp(3) - 1]], { rtol: 1e-6 });
    expect(log1p(1).shape).toEqual([]);
    await expect(sigmoid([[0], [0]])).toBeCloseTensor([[0.5], [0.5]]);
    tf.dispose([i, y]);
  });

  it('rejects non-numeric input with the argument named', () => {
    expect(() => log1p('a' as never)).toThrow(/log1p: argument 'x' must be numeric/);
    const s = tf.tensor1d(['a'], 'string');
    expect(() => softplus(s)).toThrow(/softplus: argument 'x' must be a real tensor, got dtype string/);
    s.dispose();
  });

  it('leaks no tensors (values and gradients)', async () => {
    const x = tf.tensor1d([0.2, 0.5, 0.7]);
    for (const fn of [log1p, expm1, softplus, logSigmoid, sigmoid, logit]) {
      await expectNoLeaks(() => fn(x));
      await expectNoLeaks(() => fn(0.25));
      await expectNoLeaks(() => tf.grad((v: tf.Tensor) => tf.sum(fn(v)))(x));
    }
    x.dispose();
  });
});
