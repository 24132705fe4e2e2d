import * as tf from '@tensorflow/tfjs-core';
import { Normal, Poisson, type Constraint } from '@probdl/distributions';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { expect, it } from 'vitest';
import { logDensity } from '../../src/index.js';
import type { ModelContext } from '../../src/types.js';
import { normalLp } from './host.js';

it('a discrete latent site is an error naming it', () => {
  const model = (ctx: ModelContext) => {
    ctx.sample('mu', new Normal({ loc: 0, scale: 1 }));
    ctx.sample('z', new Poisson({ rate: 2 }));
  };
  expect(() => logDensity(model, [])).toThrow(
    "site 'z' has discrete support nonNegativeInteger: HMC and VI need continuous latent sites; marginalise it or observe it",
  );
  // observed, it is fine
  const observed = (ctx: ModelContext) => {
    ctx.sample('z', new Poisson({ rate: 2 }), { obs: 3 });
  };
  const ld = logDensity(observed, []);
  expect(ld.dim).toBe(0);
  ld.dispose();
});

class Weird extends Normal {
  override get support(): Constraint {
    return { name: 'weird', eventRank: 0, discrete: false, check: (x: tf.Tensor) => tf.cast(tf.onesLike(x), 'bool') };
  }
}

it('a support without a bijection is an error naming the site', () => {
  const model = (ctx: ModelContext) => void ctx.sample('w', new Weird({ loc: 0, scale: 1 }));
  expect(() => logDensity(model, [])).toThrow(/site 'w' has support 'weird', which has no bijection/);
});

it('a model whose latent sites change between runs is an error naming the site', () => {
  let runs = 0;
  const model = (ctx: ModelContext) => {
    runs++;
    ctx.sample(runs === 1 ? 'a' : 'b', new Normal({ loc: 0, scale: 1 }));
  };
  const ld = logDensity(model, []);
  const p = tf.zeros([1]);
  expect(() => ld.logDensityFn(p)).toThrow(/latent site 'b' was not in the model's first run/);
  let n = 0;
  const dropping = (ctx: ModelContext) => {
    ctx.sample('a', new Normal({ loc: 0, scale: 1 }));
    if (n++ === 0) ctx.sample('c', new Normal({ loc: 0, scale: 1 }));
  };
  const ld2 = logDensity(dropping, []);
  const p2 = tf.zeros([2]);
  expect(() => ld2.logDensityFn(p2)).toThrow(/latent site 'c' of the model's first run did not run/);
  let m = 0;
  const resizing = (ctx: ModelContext) => ctx.plate('k', m++ === 0 ? 2 : 3, () => ctx.sample('v', new Normal({ loc: 0, scale: 1 })));
  const ld3 = logDensity(resizing, []);
  expect(() => ld3.logDensityFn(p2)).toThrow(/latent site 'v' has shape \[3\] in this run, but \[2\]/);
  tf.dispose([p, p2]);
  [ld, ld2, ld3].forEach((l) => l.dispose());
});

it('the batch rule: a model that does not broadcast over the leading batch axis is an error naming the site', () => {
  const model = (ctx: ModelContext) => {
    const z = ctx.plate('two', 2, () => ctx.sample('z', new Normal({ loc: 0, scale: 1 })));
    ctx.factor('f', tf.transpose(z)); // [C, 2] -> [2, C]: the batch axis is no longer leading
  };
  const ld = logDensity(model, []);
  const one = tf.zeros([2]);
  const lp = ld.logDensityFn(one); // unbatched it runs
  const batch = tf.zeros([3, 2]);
  expect(() => ld.logDensityFn(batch)).toThrow(/site 'f': its log density has shape \[2, 3\], which does not start with the position batch \[3\]/);
  const wrong = tf.zeros([3]);
  expect(() => ld.logDensityFn(wrong)).toThrow(/position must have shape \[\.\.\., 2\]/);
  tf.dispose([one, lp, batch, wrong]);
  ld.dispose();
});

it('subsampling plates with options.key: the same subsample at every evaluation, likelihood scaled by size / subsampleSize', async () => {
  const data = Array.from({ length: 10 }, (_, i) => 0.3 * i - 1);
  const y = tf.tensor1d(data);
  let seen: tf.Tensor | undefined;
  const model = (ctx: ModelContext, obs: tf.Tensor) => {
    const mu = ctx.sample('mu', new Normal({ loc: 0, scale: 1 }));
    ctx.plate('data', 10, { subsampleSize: 4 }, (idx) => {
      seen?.dispose();
      seen = tf.keep(tf.clone(idx));
      ctx.sample('y', new Normal({ loc: tf.expandDims(mu, -1), scale: 1 }), { obs: tf.gather(obs, idx) });
    });
  };
  expect(() => logDensity(model, [y])).toThrow(/plate 'data' subsamples 4 of 10: it needs a key/);
  const ld = logDensity(model, [y], { key: key(3) });
  const p = tf.tensor1d([0.4]);
  const lp1 = ld.logDensityFn(p);
  const idx1 = Array.from(await seen!.data());
  const lp2 = ld.logDensityFn(p);
  const idx2 = Array.from(await seen!.data());
  expect(idx1).toEqual(idx2);
  expect(new Set(idx1).size).toBe(4);
  const expected = normalLp(0.4, 0, 1) + 2.5 * idx1.reduce((a, i) => a + normalLp(data[i]!, Math.fround(0.4), 1), 0);
  await expect(lp1).toBeCloseTensor(expected, { rtol: 1e-5 });
  await expect(lp2).toBeCloseTensor(expected, { rtol: 1e-5 });
  const batch = tf.tensor2d([[0.4], [-0.2]]);
  const lpb = ld.logDensityFn(batch);
  const expectedB = normalLp(-0.2, 0, 1) + 2.5 * idx1.reduce((a, i) => a + normalLp(data[i]!, Math.fround(-0.2), 1), 0);
  await expect(lpb).toBeCloseTensor([expected, expectedB], { rtol: 1e-5 });
  await expectNoLeaks(() => ld.logDensityFn(batch));
  tf.dispose([y, p, lp1, lp2, batch, lpb, seen!]);
  ld.dispose();
});

it('construction and dispose do not leak; calls after dispose are errors', async () => {
  const model = (ctx: ModelContext) => void ctx.sample('w', new Normal({ loc: 0, scale: 1 }));
  await expectNoLeaks(() => logDensity(model, []).dispose());
  const ld = logDensity(model, []);
  ld.dispose();
  const p = tf.zeros([1]);
  expect(() => ld.logDensityFn(p)).toThrow(/after dispose/);
  p.dispose();
});
