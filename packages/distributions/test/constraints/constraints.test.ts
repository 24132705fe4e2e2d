import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import {
  boolean,
  corrCholesky,
  greaterThan,
  independent,
  integerInterval,
  interval,
  lessThan,
  lowerCholesky,
  nonNegative,
  nonNegativeInteger,
  oneHot,
  ordered,
  positive,
  positiveDefinite,
  real,
  realVector,
  simplex,
  unitInterval,
  type KindedConstraint,
} from '../../src/constraints/constraints.js';
import type { NumberArray } from '../../src/internal/params.js';

/** Values inside and outside each constraint, one event per entry of the arrays. */
const table: [KindedConstraint, NumberArray[], NumberArray[]][] = [
  [real, [0, -1e30, 3.5, Infinity], [NaN]],
  [positive, [1e-30, 2, Infinity], [0, -1, NaN]],
  [nonNegative, [0, 2], [-1e-30, NaN]],
  [unitInterval, [0, 0.5, 1], [-0.1, 1.01, NaN]],
  [interval(-2, 3), [-2, 0, 3], [-2.01, 3.5]],
  [greaterThan(1), [1.001, 5], [1, 0]],
  [lessThan(-1), [-1.5, -1e10], [-1, 0]],
  [nonNegativeInteger, [0, 3, 100], [-1, 0.5]],
  [integerInterval(1, 4), [1, 4], [0, 5, 2.5]],
  [boolean, [0, 1], [0.5, 2, -1]],
  [realVector, [[1, 2, 3]], [[1, NaN, 3]]],
  [simplex, [[0.2, 0.3, 0.5], [1, 0, 0]], [[0.2, 0.3, 0.6], [-0.1, 0.6, 0.5]]],
  [oneHot, [[0, 1, 0]], [[0, 1, 1], [0, 0.5, 0.5], [0, 0, 0]]],
  [ordered, [[-1, 0, 2.5]], [[0, 0, 1], [2, 1, 3]]],
  [
    lowerCholesky,
    [[[1, 0], [-3, 0.5]]],
    [
      [[1, 0.1], [0, 1]],
      [[1, 0], [0, -1]],
      [[0, 0], [1, 1]],
    ],
  ],
  [
    corrCholesky,
    [[[1, 0], [0.6, 0.8]]],
    [
      [[1, 0], [0.6, 0.7]],
      [[-1, 0], [0.6, 0.8]],
      [[1, 0.1], [0.6, 0.8]],
    ],
  ],
  [
    positiveDefinite,
    [[[2, 0.5], [0.5, 1]]],
    [
      [[2, 0.5], [0.4, 1]],
      [[1, 2], [2, 1]],
      [[-1, 0], [0, 1]],
    ],
  ],
  [independent(positive, 1), [[1, 2]], [[1, -2], [0, 1]]],
  [independent(interval(0, 1), 2), [[[0.1, 0.2], [0.3, 1]]], [[[0.1, 0.2], [0.3, 1.5]]]],
];

describe('constraints: check', () => {
  for (const [c, inside, outside] of table) {
    it(`${c.name}: ${inside.length} values inside, ${outside.length} outside`, async () => {
      const all = [...inside, ...outside];
      const x = tf.tensor(all as number[]);
      const ok = c.check(x);
      expect(ok.shape).toEqual([all.length]);
      expect(ok.dtype).toBe('bool');
      expect(Array.from(await ok.data())).toEqual([...inside.map(() => 1), ...outside.map(() => 0)]);
      expect(c.eventRank).toBe(x.rank - 1);
      x.dispose();
      ok.dispose();
    });
  }
  it('metadata: discrete flags and event ranks', () => {
    expect([nonNegativeInteger, boolean, oneHot, integerInterval(0, 2)].every((c) => c.discrete)).toBe(true);
    expect([real, positive, simplex, lowerCholesky, interval(0, 1)].some((c) => c.discrete)).toBe(false);
    expect(independent(simplex, 2).eventRank).toBe(3);
    expect(independent(real, 0)).toBe(real);
  });
  it('rejects an empty interval', () => {
    expect(() => interval(1, 1)).toThrow(/interval: low \(1\) must be below high \(1\)/);
  });
  it('has no leaks', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor([[[2, 0.5], [0.5, 1]]]);
      const out = table.filter(([c]) => c.eventRank === 2 && c !== independent(interval(0, 1), 2)).map(([c]) => c.check(x));
      out.push(positive.check(x), simplex.check(x), ordered.check(x));
      x.dispose();
      return out;
    });
  });
});
