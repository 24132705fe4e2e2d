import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Delta, Deterministic } from '../../src/combinators/deterministic.js';

describe('Deterministic', () => {
  it('logProb is 0 at loc and -Infinity elsewhere; cdf is a step', async () => {
    const d = new Deterministic({ loc: [1, 2.5] });
    expect(d.batchShape).toEqual([2]);
    await expect(d.logProb([1, 2.5])).toBeCloseTensor([0, 0]);
    await expect(d.logProb([1.0001, 2.5])).toBeCloseTensor([-Infinity, 0]);
    await expect(d.prob([[1], [2.5]])).toBeCloseTensor([[1, 0], [0, 1]]);
    await expect(d.cdf([0.99, 2.5])).toBeCloseTensor([0, 1]);
    await expect(d.mean()).toBeCloseTensor([1, 2.5]);
    await expect(d.mode()).toBeCloseTensor([1, 2.5]);
    await expect(d.variance()).toBeCloseTensor([0, 0]);
    await expect(d.stddev()).toBeCloseTensor([0, 0]);
    await expect(d.entropy()).toBeCloseTensor([0, 0]);
    await expect(d.sample(key(0), 3)).toBeCloseTensor([[1, 2.5], [1, 2.5], [1, 2.5]]);
    d.dispose();
  });

  it('atol and rtol widen the equality test', async () => {
    const d = new Deterministic({ loc: [1, 100], atol: 0.01, rtol: 0.001 });
    // slack = 0.01 + 0.001·|loc| = 0.011 and 0.11
    await expect(d.logProb([1.009, 100.1])).toBeCloseTensor([0, 0]);
    await expect(d.logProb([1.02, 100.2])).toBeCloseTensor([-Infinity, -Infinity]);
    await expect(d.cdf([0.995, 99.8])).toBeCloseTensor([1, 0]);
    d.dispose();
  });

  it('vector events (eventNdims 1): logProb over the whole vector', async () => {
    const d = new Deterministic({ loc: [[0, 1], [2, 3]], eventNdims: 1 });
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([2]);
    await expect(d.logProb([[0, 1], [2, 4]])).toBeCloseTensor([0, -Infinity]);
    expect(d.sample(key(1), [5]).shape).toEqual([5, 2, 2]);
    expect(() => d.cdf([0, 1])).toThrow(/Deterministic.cdf: defined for scalar events only/);
    d.dispose();
  });

  it('sample is reparameterised: d Σ sample / d loc = number of draws', async () => {
    const [, g] = valueAndGrad((p: { loc: tf.Tensor }) => tf.sum(new Deterministic({ loc: p.loc, validateArgs: false }).sample(key(0), 4)))({ loc: tf.tensor1d([1, 2]) });
    await expect((g as { loc: tf.Tensor }).loc).toBeCloseTensor([4, 4]);
  });

  it('errors name the argument', () => {
    expect(() => new Deterministic({ loc: NaN })).toThrow(/Deterministic: argument 'loc' must be finite/);
    expect(() => new Deterministic({ loc: 0, atol: -1 })).toThrow(/Deterministic: argument 'atol' must be non-negative/);
    expect(() => new Deterministic({ loc: [0, 1], atol: [1, 1, 1] })).toThrow(/'loc' \[2\] and 'atol' \[3\] do not broadcast/);
    expect(() => new Deterministic({ loc: [0, 1], eventNdims: 2 })).toThrow(/argument 'eventNdims' must be an integer in \[0, rank of 'loc' = 1\]/);
    expect(() => new Delta({ loc: NaN })).toThrow(/Delta: argument 'loc' must be finite/);
  });

  it('has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new Deterministic({ loc: [0, 1], atol: 0.1, rtol: 0.1 });
      const out = [d.sample(key(1), [3]), d.logProb([0.5]), d.prob(0), d.cdf(0), d.logCdf(0), d.survival(0), d.mean(), d.mode(), d.entropy(), d.variance(), d.stddev()];
      d.dispose();
      return out;
    });
  });
});

describe('Delta', () => {
  it('adds logDensity at loc (NumPyro Delta(v, log_density))', async () => {
    const d = new Delta({ loc: [1, 2], logDensity: [-0.5, 3] });
    expect(d.name).toBe('Delta');
    expect(d).toBeInstanceOf(Deterministic);
    await expect(d.logProb([1, 2])).toBeCloseTensor([-0.5, 3]);
    await expect(d.logProb([0, 2])).toBeCloseTensor([-Infinity, 3]);
    d.dispose();
    const e = new Delta({ loc: [[1, 2]], eventNdims: 1, logDensity: 0.25 });
    await expect(e.logProb([1, 2])).toBeCloseTensor([0.25]);
    e.dispose();
  });
  it('rejects a logDensity that does not broadcast to the batch shape', () => {
    expect(() => new Delta({ loc: [1, 2], logDensity: [0, 0, 0] })).toThrow(/Delta: shapes of 'loc batch shape' \[2\] and 'logDensity' \[3\] do not broadcast/);
    expect(() => new Delta({ loc: [1, 2], logDensity: [[0], [0]] })).toThrow(/Delta: argument 'logDensity' of shape \[2, 1\] must broadcast to the batch shape \[2\]/);
  });
  it('has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new Delta({ loc: [0, 1], logDensity: 1 });
      const out = [d.sample(key(1), 2), d.logProb([0, 1]), d.mean(), d.entropy()];
      d.dispose();
      return out;
    });
  });
});
