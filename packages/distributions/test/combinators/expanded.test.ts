import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Expanded } from '../../src/combinators/expanded.js';
import { Independent } from '../../src/combinators/independent.js';
import { Normal } from '../../src/families/normal.js';
import { expectGradsMatch } from '../helpers/gradcheck.js';
import { host, meanWithinMcError } from '../helpers/stats.js';
import { normalLogPdf } from './logits-categorical.js';

describe('Expanded', () => {
  it('adds leading batch dimensions: logProb and moments broadcast, samples are independent', async () => {
    const d = new Expanded({ distribution: new Normal({ loc: [0, 10, 20], scale: [1, 2, 3] }), batchShape: [4, 3] });
    expect(d.batchShape).toEqual([4, 3]);
    const lp = d.logProb([0.5, 9, 25]);
    expect(lp.shape).toEqual([4, 3]);
    const row = [normalLogPdf(0.5, 0, 1), normalLogPdf(9, 10, 2), normalLogPdf(25, 20, 3)];
    await expect(lp).toBeCloseTensor([row, row, row, row], { rtol: 1e-5 });
    await expect(d.mean()).toBeCloseTensor([0, 1, 2, 3].map(() => [0, 10, 20]));
    await expect(d.stddev()).toBeCloseTensor([0, 1, 2, 3].map(() => [1, 2, 3]));
    expect(d.entropy().shape).toEqual([4, 3]);
    expect(d.cdf(0).shape).toEqual([4, 3]);
    const s = d.sample(key(3), 500);
    expect(s.shape).toEqual([500, 4, 3]);
    const v = await host(s);
    // column j of every row has the base's mean; rows differ (independent copies)
    for (let r = 0; r < 4; r++) {
      for (let j = 0; j < 3; j++) {
        const col = Array.from({ length: 500 }, (_, i) => v[i * 12 + r * 3 + j]!);
        expect(meanWithinMcError(col, [0, 10, 20][j]!, [1, 2, 3][j]!, 5).ok).toBe(true);
      }
    }
    expect(v[0]).not.toBe(v[3]);
    tf.dispose(s);
    d.dispose();
  });

  it('expands interior size-1 dimensions: each new entry draws from the right base member', async () => {
    // base batch [2, 1] (locs -10 and +10), expanded to [5, 2, 4]
    const d = new Expanded({ distribution: new Normal({ loc: [[-10], [10]], scale: 1 }), batchShape: [5, 2, 4] });
    const s = d.sample(key(8), 300);
    expect(s.shape).toEqual([300, 5, 2, 4]);
    const v = await host(s);
    let distinct = 0;
    for (let i = 0; i < 300; i++) {
      for (let a = 0; a < 5; a++) {
        for (let c = 0; c < 4; c++) {
          const base = i * 40 + a * 8 + c;
          expect(v[base]!).toBeLessThan(-4); // row 0: loc -10
          expect(v[base + 4]!).toBeGreaterThan(4); // row 1: loc +10
          if (c > 0 && v[base] !== v[base - 1]) distinct++;
        }
      }
    }
    expect(distinct).toBe(300 * 5 * 3);
    tf.dispose(s);
    d.dispose();
  });

  it('keeps event dimensions (Independent base)', async () => {
    const d = new Expanded({ distribution: new Independent({ distribution: new Normal({ loc: [0, 1], scale: 1 }), reinterpretedBatchNdims: 1 }), batchShape: [3] });
    expect(d.eventShape).toEqual([2]);
    expect(d.sample(key(0), 2).shape).toEqual([2, 3, 2]);
    expect(d.logProb([0, 1]).shape).toEqual([3]);
    expect(d.mean().shape).toEqual([3, 2]);
    d.dispose();
  });

  it('gradients of logProb agree with finite differences', async () => {
    await expectGradsMatch(
      (p) => tf.sum(new Expanded({ distribution: new Normal({ loc: p.loc!, scale: p.scale!, validateArgs: false }), batchShape: [3, 2] }).logProb([0.2, -0.7])),
      { loc: [0.1, 0.4], scale: [1.1, 0.6] },
    );
  });

  it('rejects a batch shape the base does not broadcast to, naming batchShape', () => {
    const n = new Normal({ loc: [0, 1], scale: 1 });
    expect(() => new Expanded({ distribution: n, batchShape: [3] })).toThrow(/Expanded: argument 'batchShape' \[3\] is not a broadcast of the distribution's batch shape \[2\]/);
    expect(() => new Expanded({ distribution: n, batchShape: [] })).toThrow(/argument 'batchShape' \[\] is not a broadcast/);
    expect(() => new Expanded({ distribution: n, batchShape: [2.5] })).toThrow(/argument 'batchShape' must be an array of non-negative integers/);
    n.dispose();
  });

  it('has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new Expanded({ distribution: new Normal({ loc: [[0], [1]], scale: 2 }), batchShape: [3, 2, 2] });
      const out = [
        d.sample(key(1), [3]),
        d.logProb([0.5]),
        d.prob(0),
        d.cdf(0),
        d.logCdf(0),
        d.survival(0),
        d.logSurvival(0),
        d.icdf(0.3),
        d.mean(),
        d.mode(),
        d.entropy(),
        d.variance(),
        d.stddev(),
        ...d.sampleAndLogProb(key(2), 2),
      ];
      d.dispose();
      return out;
    });
  });
});
