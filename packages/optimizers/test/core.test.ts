import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { applyUpdates, chain, globalNorm, identity } from '../src/index.js';

describe('applyUpdates and globalNorm', () => {
  it('adds leaf by leaf and names the path of a shape mismatch', async () => {
    const params = { w: tf.tensor1d([1, 2]), b: [tf.scalar(3)] };
    const out = applyUpdates(params, { w: tf.tensor1d([0.5, -1]), b: [tf.scalar(1)] });
    await expect(out).toBeCloseTree({ w: [1.5, 1], b: [4] });
    expect(() => applyUpdates(params, { w: tf.tensor1d([1, 2, 3]), b: [tf.scalar(1)] })).toThrow(/applyUpdates.*w/);
  });

  it('globalNorm is the 2-norm of all leaves together', async () => {
    await expect(globalNorm({ a: tf.tensor1d([3]), b: [tf.tensor2d([[4]])] })).toBeCloseTensor(5);
    await expect(globalNorm({})).toBeCloseTensor(0);
  });

  it('leaves nothing behind', async () => {
    const params = { w: tf.tensor1d([1, 2]) };
    await expectNoLeaks(() => applyUpdates(params, params));
    await expectNoLeaks(() => globalNorm(params));
  });
});

describe('chain', () => {
  it('of nothing is the identity with fresh outputs; states are listed in order', async () => {
    const g = { w: tf.tensor1d([1, 2]) };
    const tx = chain(identity(), chain());
    const state = tx.init(g);
    expect(state).toEqual([{}, []]);
    const [u, s] = tx.update(g, state);
    await expect(u).toBeCloseTree({ w: [1, 2] });
    expect((u as { w: tf.Tensor }).w).not.toBe(g.w);
    expect(s).toEqual([{}, []]);
  });

  it('rejects what is not a transformation, and a state of the wrong length', () => {
    expect(() => chain({} as never)).toThrow(/argument 0 is not a GradientTransformation/);
    expect(() => chain(identity()).update({}, [])).toThrow(/state list of 1/);
  });
});
