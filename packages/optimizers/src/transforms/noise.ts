import * as tf from '@tensorflow/tfjs-core';
import { keyData, keyFromData, random, split, tree, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { incrementCount, zeroCount } from '../chain.js';
import type { GradientTransformation } from '../types.js';
import { asFloat, checkNumber, tidyPair } from './internal.js';

/**
 * State of {@link addNoise}: the step count (int32 scalar) and the PRNG key of the next step.
 * The key is a host value: its two uint32 words as plain numbers (number leaves, so the state stays a
 * valid pytree that `tree.flatten` and `tree.clone` accept); nothing to dispose.
 */
export type AddNoiseState = { count: tf.Scalar; rngKey: [number, number] };

/**
 * Adds annealed Gaussian noise to the updates (`optax.add_noise`, Neelakantan et al. 2015):
 * at step `t = count + 1`, `u = g + sqrt(eta / t^gamma) · n` with `n ~ N(0, 1)`.
 *
 * Randomness follows Optax exactly: each step splits the state's key into `1 + #leaves` keys; the
 * first becomes the next state's key and the others draw the noise of the leaves in tree order with
 * `random.normal`. The key lives in the state as host data (see {@link AddNoiseState}); the draws are
 * made on the host (threefry) and uploaded, so there is no readback.
 *
 * @param eta - base variance, ≥ 0.
 * @param gamma - decay exponent of the variance, ≥ 0.
 * @param key - the PRNG key (from `key(seed)`); the same key gives the same noise on every backend.
 */
export function addNoise(eta: number, gamma: number, key: PRNGKey): GradientTransformation<AddNoiseState> {
  const fn = 'addNoise';
  checkNumber(fn, 'eta', eta, { min: 0 });
  checkNumber(fn, 'gamma', gamma, { min: 0 });
  let words: Uint32Array;
  try {
    words = keyData(key);
  } catch (e) {
    throw new Error(`${fn}: key must be a PRNGKey made by key(), split() or foldIn(), got ${String(key)}`, { cause: e });
  }
  const partitionable = key.partitionable;
  return {
    init: () => ({ count: zeroCount(), rngKey: [words[0]!, words[1]!] }),
    update: (updates, state) =>
      tidyPair(() => {
        const { leaves, treedef } = tree.flatten(updates);
        const keys = split(keyFromData(state.rngKey, { partitionable }), leaves.length + 1);
        const count = incrementCount(state.count);
        const std = tf.sqrt(tf.div(eta, tf.pow(tf.cast(count, 'float32'), gamma)));
        const out = leaves.map((g, i) => {
          const gf = asFloat(g);
          return tf.add(gf, tf.mul(random.normal(keys[i + 1]!, gf.shape), std));
        });
        const next = keyData(keys[0]!);
        return [tree.unflatten(treedef, out) as Tree, { count, rngKey: [next[0]!, next[1]!] }];
      }) as [Tree, AddNoiseState],
  };
}
