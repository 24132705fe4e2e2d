import * as tf from '@tensorflow/tfjs-core';
import { valueAndGrad } from '@probdl/tensor-backend';
import { expect } from 'vitest';
import type { Distribution } from '../../src/distribution.js';

/**
 * Compares autodiff gradients of `f(params)` (a scalar, e.g. sum of logProb) with central finite
 * differences taken on the host in float64 around float32 evaluations: for each parameter entry,
 * (f(θ + h) - f(θ - h)) / 2h with h = step·max(1, |θ|), Richardson-extrapolated from h and h/2
 * (error O(h⁴) plus float32 rounding ~ eps·|f|/h). Returns the worst relative error.
 */
export async function gradCheck(
  f: (params: Record<string, tf.Tensor>) => tf.Tensor,
  params: Record<string, number[] | number>,
  step = 1e-2,
): Promise<{ worst: number; detail: string[] }> {
  const shaped = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? [v] : v])) as Record<string, number[]>;
  const asTensors = (p: Record<string, number[]>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, tf.tensor1d(v)]));
  const evalAt = async (p: Record<string, number[]>) => {
    const t = asTensors(p);
    const y = f(t);
    const v = (await y.data())[0]!;
    y.dispose();
    Object.values(t).forEach((e) => e.dispose());
    return v;
  };
  const t = asTensors(shaped);
  const [value, grads] = valueAndGrad((p: Record<string, tf.Tensor>) => f(p))(t);
  value.dispose();
  const detail: string[] = [];
  let worst = 0;
  for (const [name, vals] of Object.entries(shaped)) {
    const g = await (grads as Record<string, tf.Tensor>)[name]!.data();
    for (let i = 0; i < vals.length; i++) {
      const base = vals[i]!;
      const fd = async (h: number) => {
        const plus = { ...shaped, [name]: vals.map((v, j) => (j === i ? base + h : v)) };
        const minus = { ...shaped, [name]: vals.map((v, j) => (j === i ? base - h : v)) };
        return ((await evalAt(plus)) - (await evalAt(minus))) / (2 * h);
      };
      const h = step * Math.max(1, Math.abs(base));
      const d1 = await fd(h);
      const d2 = await fd(h / 2);
      const numeric = (4 * d2 - d1) / 3;
      const err = Math.abs(g[i]! - numeric) / Math.max(1, Math.abs(numeric));
      worst = Math.max(worst, err);
      detail.push(`${name}[${i}]: autodiff ${g[i]} numeric ${numeric} relerr ${err.toExponential(2)}`);
    }
  }
  Object.values(grads as Record<string, tf.Tensor>).forEach((e) => e.dispose());
  Object.values(t).forEach((e) => e.dispose());
  return { worst, detail };
}

/** {@link gradCheck} of `f` at `params` and an expectation that its worst relative error is below `tol` (2e-3 by default). */
export async function expectGradsMatch(
  f: (params: Record<string, tf.Tensor>) => tf.Tensor,
  params: Record<string, number[] | number>,
  options: { step?: number; tol?: number; label?: string } = {},
): Promise<void> {
  const { worst, detail } = await gradCheck(f, params, options.step);
  expect(worst, options.label === undefined ? detail.join('\n') : `${options.label}\n${detail.join('\n')}`).toBeLessThan(options.tol ?? 2e-3);
}

/** d method(x) / dx of each method of `d` agrees with finite differences (step 1e-3, worst relative error < 2e-3). */
export async function expectValueGradsMatch(d: Distribution, methods: readonly ValueMethod[], x: number[]): Promise<void> {
  for (const method of methods) {
    await expectGradsMatch((p) => tf.sum(d[method](p.x!)), { x }, { step: 1e-3, label: method });
  }
}

/** Methods of a distribution that take a value x. */
export type ValueMethod = 'logProb' | 'prob' | 'cdf' | 'logCdf' | 'survival' | 'logSurvival';
