import * as tf from '@tensorflow/tfjs-core';
import { MultivariateNormalDiag, Normal } from '@probdl/distributions';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { condition, reduceToBatch, runModel, seed, substitute, trace, type ModelContext } from '../../src/index.js';

const N01 = () => new Normal({ loc: 0, scale: 1 });
const run = (m: (ctx: ModelContext) => unknown) => () => trace(seed(m, key(0))).getTrace();

describe('errors name the site', () => {
  it('duplicate site names', () => {
    expect(
      run((ctx) => {
        ctx.sample('x', N01());
        ctx.sample('x', N01());
      }),
    ).toThrow(/duplicate site name 'x'/);
    expect(run((ctx) => ctx.plate('p', 2, () => ctx.param('p', 1)))).toThrow(/duplicate site name 'p'/);
    expect(run((ctx) => ctx.sample('', N01()))).toThrow(/non-empty string/);
  });

  it('an observed value that does not broadcast against the site shape', () => {
    expect(run((ctx) => ctx.plate('data', 3, () => ctx.sample('y', N01(), { obs: [1, 2] })))).toThrow(/sample site 'y'.*\[2\].*plate 'data' visits 3/);
    expect(run((ctx) => ctx.sample('y', new Normal({ loc: tf.zeros([4]), scale: 1 }), { obs: tf.zeros([4, 5]) }))).toThrow(/sample site 'y'/);
    // A leading batch on the left is allowed, and size-1 dims broadcast.
    expect(run((ctx) => ctx.plate('data', 3, () => ctx.sample('y', N01(), { obs: tf.zeros([7, 3]) })))).not.toThrow();
    expect(run((ctx) => ctx.plate('data', 3, () => ctx.sample('y', N01(), { obs: tf.zeros([1]) })))).not.toThrow();
    // condition and substitute values are checked too.
    const m = (ctx: ModelContext) => ctx.plate('data', 3, () => ctx.sample('z', N01()));
    expect(() => trace(condition(m, { z: [1, 2] })).getTrace()).toThrow(/sample site 'z': the observed value/);
    expect(() => trace(substitute(m, { z: [1, 2] })).getTrace()).toThrow(/sample site 'z': the value/);
  });

  it('an observed value of lower rank than the event shape, or with the wrong event shape', () => {
    const mvn = () => new MultivariateNormalDiag({ loc: tf.zeros([3]), scaleDiag: tf.ones([3]) });
    expect(run((ctx) => ctx.sample('v', mvn(), { obs: 1 }))).toThrow(/sample site 'v'.*rank 0\), lower than the rank 1 of the distribution's event shape \[3\]/);
    expect(run((ctx) => ctx.sample('v', mvn(), { obs: [1, 2] }))).toThrow(/sample site 'v'.*does not end with the event shape \[3\]/);
    expect(run((ctx) => ctx.plate('data', 2, () => ctx.sample('v', mvn(), { obs: tf.zeros([2, 3]) })))).not.toThrow();
  });

  it('a distribution whose batch shape clashes with a plate', () => {
    expect(run((ctx) => ctx.plate('data', 3, () => ctx.sample('w', new Normal({ loc: tf.zeros([4]), scale: 1 }))))).toThrow(/sample site 'w'.*plate 'data' needs 3/);
  });

  it('plate dim clash, bad sizes and bad dims', () => {
    expect(run((ctx) => ctx.plate('a', 2, { dim: -1 }, () => ctx.plate('b', 3, { dim: -1 }, () => 0)))).toThrow(/plate 'b': dim -1 is already used by the enclosing plate 'a'/);
    expect(run((ctx) => ctx.plate('a', 0, () => 0))).toThrow(/plate 'a': size/);
    expect(run((ctx) => ctx.plate('a', 2, { dim: 1 }, () => 0))).toThrow(/plate 'a': dim/);
    expect(run((ctx) => ctx.plate('a', 2, { subsampleSize: 3 }, () => 0))).toThrow(/plate 'a': subsampleSize/);
  });

  it('obs inside a subsampled plate with the full length', () => {
    expect(run((ctx) => ctx.plate('data', 10, { subsampleSize: 4 }, () => ctx.sample('y', N01(), { obs: tf.zeros([10]) })))).toThrow(
      /sample site 'y'.*full size 10 of plate 'data'.*subsamples 4/,
    );
    expect(run((ctx) => ctx.plate('data', 10, { subsampleSize: 4 }, () => ctx.sample('y', N01(), { obs: tf.zeros([4]) })))).not.toThrow();
    expect(run((ctx) => ctx.plate('data', 10, { subsampleSize: 4 }, () => ctx.sample('y', N01(), { obs: tf.zeros([6]) })))).toThrow(
      /sample site 'y'.*6 at dim -1, where plate 'data' visits 4 \(a subsample of 10\)/,
    );
  });

  it('subsample indices out of range, or disagreeing with subsampleSize', () => {
    expect(run((ctx) => ctx.plate('data', 5, { subsample: [0, 5] }, () => 0))).toThrow(/plate 'data': subsample index 5 .*out of range \[0, 5\)/);
    expect(run((ctx) => ctx.plate('data', 5, { subsample: [-1] }, () => 0))).toThrow(/plate 'data'.*-1/);
    expect(run((ctx) => ctx.plate('data', 5, { subsample: [1, 2], subsampleSize: 3 }, () => 0))).toThrow(/plate 'data': subsampleSize 3 differs/);
    expect(run((ctx) => ctx.plate('data', 5, { subsample: tf.tensor1d([1, 2]) }, () => 0))).toThrow(/plate 'data'.*int32/);
  });

  it('a subsampling plate without a key, a missing distribution, a non-tensor factor', () => {
    expect(() => runModel((ctx: ModelContext) => ctx.plate('data', 5, { subsampleSize: 2 }, () => 0))).toThrow(/plate 'data'.*seed/);
    expect(run((ctx) => ctx.sample('x', {} as Normal))).toThrow(/sample site 'x'.*Distribution/);
    expect(run((ctx) => ctx.factor('f', 1 as unknown as tf.Tensor))).toThrow(/factor site 'f'/);
    expect(run((ctx) => ctx.deterministic('d', 1 as unknown as tf.Tensor))).toThrow(/deterministic site 'd'/);
  });

  it('the batch rule: a log density that does not start with the position batch', () => {
    expect(() => reduceToBatch('y', tf.zeros([3, 2]), [4])).toThrow(/site 'y'.*position batch \[4\]/);
  });
});
