import * as tf from '@tensorflow/tfjs-core';
import { adam, applyUpdates } from '@probdl/optimizers';
import { key, random, split, tree, valueAndGrad, type Tree } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { mlp } from '../../src/layers/index.js';

// The verification, after the Flax tutorial's regression example: an MLP 1→10→10→1 with
// tanh, fitted by Adam to y = x·sin(5x) + ε, ε ~ N(0, σ²), x ~ U[-1, 1].
//
// The bound: on fresh noisy test points, test MSE = σ² + E[(f̂(x) − f(x))²] + sampling error. The best
// any model can do is σ²; we require test MSE < 1.5·σ², i.e. the fit error below half the noise
// variance. The sampling error of the noise part over n_test = 2,000 points has SD σ²·√(2/2000) ≈
// 0.03·σ², far inside the margin. A model that learnt nothing (a constant) scores about
// Var[x·sin(5x)] + σ² ≈ 0.21 + σ², 14× the bound, so the check can fail.
//
// Runs in about 9 s on the cpu backend (up to ~40 s on a loaded machine) (full-batch Adam, 1,500 steps on 256 points).
const SIGMA = 0.1;
const N_TRAIN = 256;
const N_TEST = 2000;
const STEPS = 1500;

function dataset(k: ReturnType<typeof key>, n: number): { x: tf.Tensor; y: tf.Tensor } {
  const [kx, ke] = split(k, 2);
  return tf.tidy(() => {
    const x = random.uniform(kx!, [n, 1], { minval: -1, maxval: 1 });
    const y = tf.add(tf.mul(x, tf.sin(tf.mul(5, x))), tf.mul(SIGMA, random.normal(ke!, [n, 1])));
    return { x, y };
  });
}

describe('MLP 1→10→10→1 (tanh) fitted with Adam to x·sin(5x) + noise', () => {
  it(`reaches test MSE < 1.5·σ² = ${(1.5 * SIGMA ** 2).toFixed(3)}`, { timeout: 60_000 }, async () => {
    const [kData, kTest, kInit] = split(key(0), 3);
    const train = dataset(kData!, N_TRAIN);
    const test = dataset(kTest!, N_TEST);
    const model = mlp([10, 10, 1], { activation: 'tanh' });
    let params: Tree = model.init(kInit!, [1]);
    const opt = adam(0.02);
    let state = opt.init(params);
    const lossAndGrad = valueAndGrad((p: Tree, x: tf.Tensor, y: tf.Tensor) => tf.mean(tf.square(tf.sub(model.apply(p, x), y))));
    const start = tf.memory().numTensors;
    let lastLoss = Infinity;
    for (let step = 0; step < STEPS; step++) {
      const [loss, grads] = lossAndGrad(params, train.x, train.y);
      const [updates, newState] = opt.update(grads, state, params);
      const newParams = applyUpdates(params, updates);
      if (step === STEPS - 1) lastLoss = (await loss.data())[0]!;
      tree.dispose([loss, grads, updates, params, state]);
      params = newParams;
      state = newState;
    }
    expect(tf.memory().numTensors).toBe(start); // the loop holds a constant number of tensors
    const pred = model.apply(params, test.x);
    const mseT = tf.tidy(() => tf.mean(tf.square(tf.sub(pred, test.y))));
    const mse = (await mseT.data())[0]!;
    console.log(`train MSE ${lastLoss.toFixed(5)}, test MSE ${mse.toFixed(5)} (σ² = ${(SIGMA ** 2).toFixed(3)})`);
    expect(mse).toBeLessThan(1.5 * SIGMA ** 2);
    tree.dispose([train, test, params, state, pred, mseT]);
  });
});
