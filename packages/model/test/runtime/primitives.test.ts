import * as tf from '@tensorflow/tfjs-core';
import { HalfNormal, Normal, positive } from '@probdl/distributions';
import { key, split } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { runModel, seed, siteLogProb, substitute, trace, traceLogProb, type ModelContext } from '../../src/index.js';
import { normalLogPdf } from '../helpers.js';

describe('primitives', () => {
  it('deterministic and factor appear in the trace; factor enters the log joint, deterministic does not', async () => {
    const m = (ctx: ModelContext) => {
      const a = ctx.sample('a', new Normal({ loc: 0, scale: 1 }));
      ctx.deterministic('twice', tf.mul(a, 2));
      ctx.factor('penalty', tf.mul(tf.square(a), -3));
    };
    const tr = trace(substitute(m, { a: 0.5 })).getTrace();
    expect([...tr.keys()]).toEqual(['a', 'twice', 'penalty']);
    expect(tr.get('twice')!.type).toBe('deterministic');
    await expect(tr.get('twice')!.value).toBeCloseTensor(1);
    expect(siteLogProb(tr.get('twice')!)).toBeUndefined();
    await expect(traceLogProb(tr)).toBeCloseTensor(normalLogPdf(0.5, 0, 1) - 0.75, { rtol: 1e-6 });
  });

  it('param: init by default, substituted value otherwise; constraint recorded', async () => {
    const m = (ctx: ModelContext) => ctx.param('s', 2, { constraint: positive });
    await expect(trace(m).run().value as tf.Tensor).toBeCloseTensor(2);
    await expect(trace(substitute(m, { s: 3 })).run().value as tf.Tensor).toBeCloseTensor(3);
    expect(trace(m).getTrace().get('s')!.constraint).toBe(positive);
    await expect(trace(m).getTrace().get('s')!.value).toBeCloseTensor(2);
  });

  it('prngKey gives keys from the seed in run order and is not recorded', () => {
    const m = (ctx: ModelContext) => [ctx.prngKey(), ctx.prngKey()];
    const k = key(9);
    const { trace: tr, value } = trace(seed(m, k)).run();
    const [k1, s1] = split(k);
    const [, s2] = split(k1!);
    expect(Array.from(value[0]!.data)).toEqual(Array.from(s1!.data));
    expect(Array.from(value[1]!.data)).toEqual(Array.from(s2!.data));
    expect(tr.size).toBe(0);
    expect(() => runModel(m)).toThrow(/prngKey.*seed/);
  });

  it('runModel without handlers draws nothing: error naming the site', () => {
    expect(() => runModel((ctx: ModelContext) => ctx.sample('z', new HalfNormal({ scale: 1 })))).toThrow(/'z'.*seed/);
  });

  it('no leaks', async () => {
    const m = (ctx: ModelContext) => {
      const a = ctx.sample('a', new Normal({ loc: 0, scale: 1 }));
      ctx.deterministic('d', tf.exp(a));
      ctx.factor('f', tf.neg(a));
      return ctx.param('p', [1, 2]);
    };
    await expectNoLeaks(() => tf.tidy(() => traceLogProb(trace(seed(m, key(0))).getTrace())));
    await expectNoLeaks(() => tf.tidy(() => siteLogProb(trace(seed(m, key(0))).getTrace().get('f')!)!));
  });
});
