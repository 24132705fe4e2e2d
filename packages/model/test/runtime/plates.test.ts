import * as tf from '@tensorflow/tfjs-core';
import { Normal } from '@probdl/distributions';
import { key, random, split } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { seed, substitute, trace, traceLogProb, type ModelContext } from '../../src/index.js';
import { normalLogPdf } from '../helpers.js';

const N01 = () => new Normal({ loc: 0, scale: 1 });

describe('plates', () => {
  it('nested plates take dims -1 then -2 and expand batch shapes', () => {
    const m = (ctx: ModelContext) =>
      ctx.plate('outer', 3, () => {
        const a = ctx.sample('a', N01());
        ctx.plate('inner', 4, () => ctx.sample('b', new Normal({ loc: a, scale: 1 })));
      });
    const tr = trace(seed(m, key(0))).getTrace();
    expect(tr.get('a')!.value.shape).toEqual([3]);
    expect(tr.get('a')!.plates.map((f) => [f.name, f.dim])).toEqual([['outer', -1]]);
    // a [3] broadcasts against inner at -2: b is [4, 3].
    expect(tr.get('b')!.value.shape).toEqual([4, 3]);
    expect(tr.get('b')!.plates.map((f) => [f.name, f.dim])).toEqual([
      ['outer', -1],
      ['inner', -2],
    ]);
    expect(tr.get('b')!.fn!.batchShape).toEqual([4, 3]);
  });

  it('an unnamed dim takes the rightmost free one (NumPyro)', () => {
    const m = (ctx: ModelContext) =>
      ctx.plate('outer', 3, { dim: -2 }, () => ctx.plate('inner', 2, () => ctx.sample('x', N01())));
    const tr = trace(seed(m, key(0))).getTrace();
    expect(tr.get('x')!.plates.map((f) => f.dim)).toEqual([-2, -1]);
    expect(tr.get('x')!.value.shape).toEqual([3, 2]);
  });

  it('subsampled plate: indices from the key, log joint scaled by size / subsampleSize', async () => {
    const yv = Array.from({ length: 10 }, (_, i) => Math.sin(i) * 2);
    const y = tf.tensor1d(yv);
    const m = (ctx: ModelContext) => {
      const mu = ctx.sample('mu', N01());
      ctx.plate('data', 10, { subsampleSize: 4 }, (idx) => ctx.sample('y', new Normal({ loc: mu, scale: 0.7 }), { obs: tf.gather(y, idx) }));
    };
    const k = key(11);
    const tr = trace(seed(substitute(m, { mu: 0.4 }), k)).getTrace();
    const idx = Array.from(await tr.get('data')!.value.data());
    // The plate is the first site needing a key: split(key)[1].
    const expected = Array.from(random.permutationIndices(split(k)[1]!, 10).slice(0, 4));
    expect(idx).toEqual(expected);
    expect(tr.get('y')!.scale).toBe(2.5);
    const host = normalLogPdf(0.4, 0, 1) + (10 / 4) * idx.reduce((a, i) => a + normalLogPdf(yv[i]!, 0.4, 0.7), 0);
    await expect(traceLogProb(tr)).toBeCloseTensor(host, { rtol: 1e-5 });
  });

  it('explicit subsample indices', async () => {
    const m = (ctx: ModelContext) => ctx.plate('data', 10, { subsample: [7, 2] }, (idx) => idx);
    const tr = trace(m).run();
    expect(Array.from(await (tr.value as tf.Tensor).data())).toEqual([7, 2]);
    const sc = (ctx: ModelContext) =>
      ctx.plate('data', 10, { subsample: tf.tensor1d([1, 3], 'int32') }, () => ctx.factor('f', tf.scalar(1)));
    const t2 = trace(sc).getTrace();
    await expect(traceLogProb(t2)).toBeCloseTensor(5);
  });

  it('nested subsampling multiplies the scales', async () => {
    const m = (ctx: ModelContext) =>
      ctx.plate('a', 6, { subsampleSize: 2 }, () => ctx.plate('b', 5, { subsampleSize: 1 }, () => ctx.sample('x', N01(), { obs: tf.zeros([1, 2]) })));
    const tr = trace(seed(m, key(0))).getTrace();
    expect(tr.get('x')!.scale).toBe(15);
    await expect(traceLogProb(tr)).toBeCloseTensor(15 * 2 * normalLogPdf(0, 0, 1), { rtol: 1e-6 });
  });

  it('no leaks', async () => {
    const m = (ctx: ModelContext) => ctx.plate('data', 10, { subsampleSize: 3 }, () => ctx.sample('x', N01()));
    await expectNoLeaks(() => tf.tidy(() => traceLogProb(trace(seed(m, key(0))).getTrace())));
  });
});
