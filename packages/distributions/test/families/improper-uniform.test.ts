import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { ImproperUniform, positive, real, simplex } from '../../src/index.js';

describe('ImproperUniform', () => {
  it('logProb is 0 inside the support and -Infinity outside, with broadcast shapes', async () => {
    const d = new ImproperUniform(positive, [3]);
    await expect(d.logProb([1, 2, 3])).toBeCloseTensor([0, 0, 0]);
    await expect(d.logProb([[1, -1, 0]])).toBeCloseTensor([[0, -Infinity, -Infinity]]);
    const v = new ImproperUniform(real, [2], [4]);
    expect(v.logProb(tf.zeros([5, 2, 4])).shape).toEqual([5, 2]);
    await expect(v.logProb([[0, 0, 0, NaN]])).toBeCloseTensor([-Infinity, -Infinity]);
  });
  it('sample gives points of the support with sampleShape + batchShape + eventShape', async () => {
    const d = new ImproperUniform(positive, [2], [3]);
    const s = d.sample(key(0), [4]);
    expect(s.shape).toEqual([4, 2, 3]);
    expect(Math.min(...(await s.data()))).toBeGreaterThan(0);
    // forward(u) with u in (-2, 2): exp keeps it inside (e^-2, e^2).
    expect(Math.max(...(await s.data()))).toBeLessThan(Math.exp(2));
  });
  it('rejects a non-elementwise base constraint, naming the argument', () => {
    expect(() => new ImproperUniform(simplex as never)).toThrow(/argument 'base'/);
  });
  it('has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new ImproperUniform(positive, [2]);
      return [d.sample(key(1), 3), d.logProb([1, 2]), d.prob([1, -1])];
    });
  });
});
