import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Masked } from '../../src/combinators/masked.js';
import { Normal } from '../../src/families/normal.js';
import { normalLogPdf } from './logits-categorical.js';

describe('Masked', () => {
  it('logProb is the base where mask is true and 0 where false', async () => {
    const d = new Masked({ distribution: new Normal({ loc: [0, 1, 2], scale: 1 }), mask: [true, false, true].map(Number) });
    expect(d.batchShape).toEqual([3]);
    await expect(d.logProb([0.5, 100, -1])).toBeCloseTensor([normalLogPdf(0.5, 0, 1), 0, normalLogPdf(-1, 2, 1)], { rtol: 1e-5 });
    // x of shape [2, 1] broadcasts: [2, 3]
    const lp = d.logProb([[0], [1]]);
    expect(lp.shape).toEqual([2, 3]);
    await expect(lp).toBeCloseTensor(
      [0, 1].map((x) => [normalLogPdf(x, 0, 1), 0, normalLogPdf(x, 2, 1)]),
      { rtol: 1e-5 },
    );
    await expect(d.mean()).toBeCloseTensor([0, 1, 2]);
    expect(d.sample(key(0), 4).shape).toEqual([4, 3]);
    d.dispose();
  });

  it('takes a boolean, a bool tensor, or numbers', async () => {
    const off = new Masked({ distribution: new Normal({ loc: [0, 1], scale: 1 }), mask: false });
    await expect(off.logProb([5, 6])).toBeCloseTensor([0, 0]);
    const on = new Masked({ distribution: new Normal({ loc: 0, scale: 1 }), mask: true });
    await expect(on.logProb(0)).toBeCloseTensor(normalLogPdf(0, 0, 1), { rtol: 1e-6 });
    const m = tf.tensor1d([0, 1], 'bool');
    const t = new Masked({ distribution: new Normal({ loc: 0, scale: 1 }), mask: m });
    await expect(t.logProb([0, 0])).toBeCloseTensor([0, normalLogPdf(0, 0, 1)], { rtol: 1e-6 });
    off.dispose();
    on.dispose();
    t.dispose();
    expect(m.isDisposed).toBe(false);
    m.dispose();
  });

  it('a mask of larger shape expands the base (independent draws per new entry)', async () => {
    const d = new Masked({ distribution: new Normal({ loc: [0, 5, 10], scale: 1 }), mask: [[1], [0]] });
    expect(d.batchShape).toEqual([2, 3]);
    const s = d.sample(key(4), 2);
    expect(s.shape).toEqual([2, 2, 3]);
    const v = await s.data();
    expect(v[0]).not.toBe(v[3]);
    await expect(d.logProb([0, 5, 10])).toBeCloseTensor([[normalLogPdf(0, 0, 1), normalLogPdf(5, 5, 1), normalLogPdf(10, 10, 1)], [0, 0, 0]], { rtol: 1e-5 });
    tf.dispose(s);
    d.dispose();
  });

  it('masked entries get zero gradient, even far outside the bulk', async () => {
    const [, g] = valueAndGrad((p: { loc: tf.Tensor }) =>
      tf.sum(new Masked({ distribution: new Normal({ loc: p.loc, scale: 1, validateArgs: false }), mask: [1, 0] }).logProb([1, 1e30])),
    )({ loc: tf.tensor1d([0, 0]) });
    // d/dloc of -(x - loc)²/2 = x - loc = 1 for the kept entry, 0 for the masked one
    await expect((g as { loc: tf.Tensor }).loc).toBeCloseTensor([1, 0]);
  });

  it('rejects a mask that does not broadcast, naming the arguments', () => {
    const n = new Normal({ loc: [0, 1, 2], scale: 1 });
    expect(() => new Masked({ distribution: n, mask: [1, 0] })).toThrow(/Masked: shapes of 'distribution' \[3\] and 'mask' \[2\] do not broadcast/);
    expect(() => new Masked({ distribution: n, mask: undefined as unknown as boolean })).toThrow(/Masked: argument 'mask' is required/);
    n.dispose();
  });

  it('has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new Masked({ distribution: new Normal({ loc: [0, 1], scale: 2 }), mask: [[1], [0], [1]] });
      const out = [d.sample(key(1), [3]), d.logProb([0.5, 1]), d.prob(0), d.mean(), d.mode(), d.variance(), d.stddev(), ...d.sampleAndLogProb(key(2), 2)];
      d.dispose();
      return out;
    });
  });
});
