import * as tf from '@tensorflow/tfjs-core';
import { Normal } from '@probdl/distributions';
import { key, split } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import {
  block,
  condition,
  mask,
  replay,
  scale,
  seed,
  substitute,
  trace,
  traceLogProb,
  uncondition,
  type ModelContext,
} from '../../src/index.js';
import { normalLogPdf } from '../helpers.js';

function twoSites(ctx: ModelContext) {
  const a = ctx.sample('a', new Normal({ loc: 0, scale: 1 }));
  const b = ctx.sample('b', new Normal({ loc: a, scale: 2 }));
  return tf.add(a, b);
}

function observed(ctx: ModelContext, y: tf.Tensor) {
  const mu = ctx.sample('mu', new Normal({ loc: 0, scale: 1 }));
  ctx.plate('data', y.shape[0]!, () => ctx.sample('y', new Normal({ loc: mu, scale: 0.5 }), { obs: y }));
}

const values = async (t: tf.Tensor) => Array.from(await t.data());

describe('seed', () => {
  it('same key gives the same draws; keys are split in run order like NumPyro', async () => {
    tf.tidy(() => undefined);
    const k = key(3);
    const t1 = trace(seed(twoSites, k)).getTrace();
    const t2 = trace(seed(twoSites, k)).getTrace();
    expect(await values(t1.get('a')!.value)).toEqual(await values(t2.get('a')!.value));
    expect(await values(t1.get('b')!.value)).toEqual(await values(t2.get('b')!.value));
    // First site: split(key)[1]; second: split(split(key)[0])[1].
    const [k1, s1] = split(k);
    const [, s2] = split(k1!);
    const a = new Normal({ loc: 0, scale: 1 }).sample(s1!);
    expect(await values(t1.get('a')!.value)).toEqual(await values(a));
    const b = new Normal({ loc: a, scale: 2 }).sample(s2!);
    expect(await values(t1.get('b')!.value)).toEqual(await values(b));
    const t3 = trace(seed(twoSites, key(4))).getTrace();
    expect((await values(t3.get('a')!.value))[0]).not.toBe((await values(t1.get('a')!.value))[0]);
  });

  it('a full plate and an observed site take no key (NumPyro)', async () => {
    const withPlate = (ctx: ModelContext) => {
      ctx.plate('p', 3, () => undefined);
      ctx.sample('y', new Normal({ loc: 0, scale: 1 }), { obs: 0 });
      return ctx.sample('a', new Normal({ loc: 0, scale: 1 }));
    };
    const k = key(5);
    const a1 = trace(seed(withPlate, k)).getTrace().get('a')!.value;
    const a2 = trace(seed(twoSites, k)).getTrace().get('a')!.value;
    expect(await values(a1)).toEqual(await values(a2));
  });

  it('no leaks', async () => {
    await expectNoLeaks(() => tf.tidy(() => trace(seed(twoSites, key(0))).run().value as tf.Tensor));
  });
});

describe('substitute / condition / uncondition', () => {
  it('substitute sets latent sites and params, leaving them latent; observed sites are left alone', async () => {
    const m = (ctx: ModelContext) => {
      const w = ctx.param('w', 1);
      const a = ctx.sample('a', new Normal({ loc: w, scale: 1 }));
      ctx.sample('y', new Normal({ loc: a, scale: 1 }), { obs: 0.5 });
      ctx.deterministic('d', tf.mul(a, 2));
    };
    const tr = trace(substitute(m, { w: 3, a: 2, y: 100, d: 7 })).getTrace();
    await expect(tr.get('w')!.value).toBeCloseTensor(3);
    await expect(tr.get('a')!.value).toBeCloseTensor(2);
    expect(tr.get('a')!.isObserved).toBe(false);
    await expect(tr.get('y')!.value).toBeCloseTensor(0.5);
    await expect(tr.get('d')!.value).toBeCloseTensor(7);
    const fnTr = trace(substitute(m, (msg) => (msg.name === 'a' ? 1 : undefined))).getTrace();
    await expect(fnTr.get('a')!.value).toBeCloseTensor(1);
    await expect(traceLogProb(fnTr)).toBeCloseTensor(normalLogPdf(1, 1, 1) + normalLogPdf(0.5, 1, 1), { rtol: 1e-5 });
  });

  it('substitute gives a plate its indices (and seed spends no key on it)', async () => {
    const m = (ctx: ModelContext) => ctx.plate('data', 10, { subsampleSize: 2 }, (idx) => idx);
    const tr = trace(seed(substitute(m, { data: [4, 9] }), key(0))).run();
    expect(Array.from(await (tr.value as tf.Tensor).data())).toEqual([4, 9]);
    expect(() => trace(substitute(m, { data: [4] })).getTrace()).toThrow(/plate 'data'.*visits 2/);
  });

  it('condition makes sites observed and overrides an obs; uncondition draws them', async () => {
    const y = tf.tensor1d([1, 2]);
    const tr = trace(condition(observed, { mu: 0.3, y: [0, 0] })).getTrace(y);
    expect(tr.get('mu')!.isObserved).toBe(true);
    await expect(tr.get('y')!.value).toBeCloseTensor([0, 0]);
    const un = trace(seed(uncondition(observed), key(1))).getTrace(y);
    expect(un.get('y')!.isObserved).toBe(false);
    expect(un.get('y')!.value.shape).toEqual([2]);
    expect(await values(un.get('y')!.value)).not.toEqual([1, 2]);
  });
});

describe('block', () => {
  it('hides sites from an outer trace and an outer substitute', async () => {
    const inner = block(seed(twoSites, key(0)), { hide: ['a'] });
    const tr = trace(substitute(inner, { a: 5, b: 6 })).getTrace();
    expect([...tr.keys()]).toEqual(['b']);
    await expect(tr.get('b')!.value).toBeCloseTensor(6);
    const all = trace(block(seed(twoSites, key(0)))).getTrace();
    expect(all.size).toBe(0);
    const exposed = trace(block(seed(twoSites, key(0)), { expose: ['a'] })).getTrace();
    expect([...exposed.keys()]).toEqual(['a']);
    const byType = trace(block(seed(observed, key(0)), { exposeTypes: ['plate'] })).getTrace(tf.tensor1d([1]));
    expect([...byType.keys()]).toEqual(['data']);
    // hide takes precedence over expose (NumPyro's order).
    const both = trace(block(seed(twoSites, key(0)), { hide: ['a'], expose: ['a'] })).getTrace();
    expect([...both.keys()]).toEqual(['b']);
    const byFn = trace(block(seed(twoSites, key(0)), { hideFn: (m) => m.name === 'b' })).getTrace();
    expect([...byFn.keys()]).toEqual(['a']);
  });

  it('a latent site hidden from the outer seed has no key: error naming it', () => {
    expect(() => trace(seed(block(twoSites, { hide: ['a'] }), key(0))).getTrace()).toThrow(/sample site 'a' has no value and no key/);
    expect(() => trace(block(seed(twoSites, key(0)), { hide: ['a'] })).getTrace()).not.toThrow();
  });
});

describe('scale and mask', () => {
  it('scale multiplies the log joint', async () => {
    const y = tf.tensor1d([1, 2, -1]);
    const base = traceLogProb(trace(substitute(observed, { mu: 0.2 })).getTrace(y));
    const scaled = traceLogProb(trace(scale(substitute(observed, { mu: 0.2 }), 2.5)).getTrace(y));
    await expect(scaled).toBeCloseTensor(2.5 * (await base.data())[0]!, { rtol: 1e-6 });
    const nested = traceLogProb(trace(scale(scale(substitute(observed, { mu: 0.2 }), 2), 3)).getTrace(y));
    await expect(nested).toBeCloseTensor(6 * (await base.data())[0]!, { rtol: 1e-6 });
    expect(() => scale(observed, 0)).toThrow(/positive/);
  });

  it('mask with a bool tensor zeros exactly the masked points', async () => {
    const yv = [1, 2, -1, 0.5];
    const keep = [true, false, true, false];
    const y = tf.tensor1d(yv);
    const m = (ctx: ModelContext) => {
      const mu = ctx.sample('mu', new Normal({ loc: 0, scale: 1 }));
      ctx.plate('data', 4, () => mask((c: ModelContext) => c.sample('y', new Normal({ loc: mu, scale: 0.5 }), { obs: y }), tf.tensor1d(keep, 'bool'))(ctx));
    };
    const lp = traceLogProb(trace(substitute(m, { mu: 0.3 })).getTrace());
    const host = normalLogPdf(0.3, 0, 1) + yv.reduce((a, v, i) => a + (keep[i] ? normalLogPdf(v, 0.3, 0.5) : 0), 0);
    await expect(lp).toBeCloseTensor(host, { rtol: 1e-6 });
    const off = traceLogProb(trace(mask(substitute(observed, { mu: 0.3 }), false)).getTrace(y));
    await expect(off).toBeCloseTensor(0);
    expect(() => mask(observed, tf.tensor1d([1, 0]))).toThrow(/bool/);
  });

  it('a mask that does not broadcast is an error naming the site', () => {
    const y = tf.tensor1d([1, 2, 3]);
    const tr = trace(mask(substitute(observed, { mu: 0 }), tf.tensor1d([true, false], 'bool'))).getTrace(y);
    expect(() => traceLogProb(tr)).toThrow(/site 'y'.*mask/);
  });
});

describe('replay', () => {
  it('reuses the latent values and the plate indices of a trace', async () => {
    const guide = (ctx: ModelContext) => {
      ctx.plate('data', 10, { subsampleSize: 3 }, () => undefined);
      ctx.sample('mu', new Normal({ loc: 4, scale: 0.1 }));
    };
    const model = (ctx: ModelContext) => {
      const mu = ctx.sample('mu', new Normal({ loc: 0, scale: 1 }));
      ctx.plate('data', 10, { subsampleSize: 3 }, () => ctx.sample('y', new Normal({ loc: mu, scale: 1 }), { obs: tf.zeros([3]) }));
    };
    const gtr = trace(seed(guide, key(1))).getTrace();
    const mtr = trace(seed(replay(model, gtr), key(2))).getTrace();
    expect(await values(mtr.get('mu')!.value)).toEqual(await values(gtr.get('mu')!.value));
    expect(await values(mtr.get('data')!.value)).toEqual(await values(gtr.get('data')!.value));
    const bad = trace(seed((ctx: ModelContext) => ctx.sample('mu', new Normal({ loc: 0, scale: 1 }), { obs: 1 }), key(0))).getTrace();
    expect(() => trace(seed(replay(model, bad), key(2))).getTrace()).toThrow(/site 'mu'/);
  });
});

describe('nesting', () => {
  it('handlers process innermost first, so an outer substitute overrides an inner one (NumPyro)', async () => {
    const tr = trace(substitute(substitute(twoSites, { a: 1 }), { a: 2, b: 3 })).getTrace();
    await expect(tr.get('a')!.value).toBeCloseTensor(2);
    await expect(tr.get('b')!.value).toBeCloseTensor(3);
    // condition inside uncondition: the site ends latent and is drawn.
    const un = trace(seed(uncondition(condition(twoSites, { a: 1 })), key(0))).getTrace();
    expect(un.get('a')!.isObserved).toBe(false);
    // seed outside substitute spends no key on the substituted site.
    const s1 = trace(seed(substitute(twoSites, { a: 0 }), key(7))).getTrace();
    const [, k1] = split(key(7));
    expect(await values(s1.get('b')!.value)).toEqual(await values(new Normal({ loc: 0, scale: 2 }).sample(k1!)));
  });

  it('no leaks across the handlers', async () => {
    const y = tf.tensor1d([1, 2]);
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const tr = trace(scale(mask(seed(condition(substitute(observed, { mu: 1 }), { y: [0, 0] }), key(0)), tf.tensor1d([true, false], 'bool')), 2)).getTrace(y);
        return traceLogProb(tr);
      }),
    );
  });
});
