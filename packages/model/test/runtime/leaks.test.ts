import * as tf from '@tensorflow/tfjs-core';
import { Normal } from '@probdl/distributions';
import { key } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  block,
  condition,
  reduceToBatch,
  replay,
  runModel,
  seed,
  substitute,
  trace,
  traceLogProb,
  uncondition,
  withHandler,
  type ModelContext,
} from '../../src/index.js';

// Traces hold the tensors of their run: every use is wrapped in tf.tidy, as documented.
function model(ctx: ModelContext, y: tf.Tensor) {
  const mu = ctx.sample('mu', new Normal({ loc: 0, scale: 1 }));
  ctx.plate('data', 6, { subsampleSize: 2 }, (idx) => ctx.sample('y', new Normal({ loc: mu, scale: 1 }), { obs: tf.gather(y, idx) }));
  return mu;
}
let y: tf.Tensor;

describe('no leaks', () => {
  beforeAll(() => {
    y = tf.tensor1d([1, 2, 3, 4, 5, 6]);
  });

  it('runModel and withHandler', async () => {
    let seen = 0;
    const counted = withHandler(model, () => ({ postprocess: () => void seen++ }));
    await expectNoLeaks(() => tf.tidy(() => runModel(seed(counted, key(0)), y)));
    expect(seen).toBe(3);
  });

  it('block, replay, uncondition, condition', async () => {
    await expectNoLeaks(() => tf.tidy(() => traceLogProb(trace(block(seed(model, key(0)), { hide: ['y'] })).getTrace(y))));
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const g = trace(seed(model, key(1))).getTrace(y);
        return traceLogProb(trace(seed(replay(model, g), key(2))).getTrace(y));
      }),
    );
    await expectNoLeaks(() => tf.tidy(() => traceLogProb(trace(seed(uncondition(condition(substitute(model, { mu: 1 }), { y: [0, 0] })), key(3))).getTrace(y))));
  });

  it('reduceToBatch', async () => {
    const lp = tf.ones([3, 4]);
    await expectNoLeaks(() => reduceToBatch('x', lp, [3]));
    await expectNoLeaks(() => reduceToBatch('x', lp, []));
    const one = tf.scalar(1);
    await expectNoLeaks(() => reduceToBatch('x', one, [3]));
    await expect(reduceToBatch('x', lp, [3])).toBeCloseTensor([4, 4, 4]);
  });
});
