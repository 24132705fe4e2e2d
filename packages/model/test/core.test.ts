import * as tf from '@tensorflow/tfjs-core';
import { HalfNormal, Normal } from '@probdl/distributions';
import { key } from '@probdl/tensor-backend';
import { expect, it } from 'vitest';
import { condition, seed, substitute, trace, traceLogProb, type ModelContext } from '../src/index.js';

function regression(ctx: ModelContext, x: tf.Tensor, y?: tf.Tensor) {
  const w = ctx.sample('w', new Normal({ loc: 0, scale: 1 }));
  const sigma = ctx.sample('sigma', new HalfNormal({ scale: 1 }));
  return ctx.plate('data', x.shape[0]!, () => ctx.sample('y', new Normal({ loc: tf.mul(w, x), scale: sigma }), { obs: y }));
}

it('seed + trace records sites; substitute sets values; the log joint matches a hand sum', async () => {
  const x = tf.tensor1d([0, 1, 2]);
  const y = tf.tensor1d([0.1, 0.9, 2.2]);
  const tr = trace(seed(regression, key(0))).getTrace(x, y);
  expect([...tr.keys()]).toEqual(['w', 'sigma', 'data', 'y']);
  expect(tr.get('y')!.isObserved).toBe(true);
  const tr2 = trace(substitute(regression, { w: 1, sigma: 0.5 })).getTrace(x, y);
  const lp = traceLogProb(tr2);
  const host = (v: number, m: number, s: number) => -0.5 * ((v - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
  const expected = host(1, 0, 1) + (Math.log(2) + host(0.5, 0, 1)) + [0.1, 0.9, 2.2].reduce((a, v, i) => a + host(v, i, 0.5), 0);
  await expect(lp).toBeCloseTensor(expected, { rtol: 1e-5 });
  const cond = trace(condition(seed(regression, key(1)), { w: 2 })).getTrace(x, y);
  expect(cond.get('w')!.isObserved).toBe(true);
});
