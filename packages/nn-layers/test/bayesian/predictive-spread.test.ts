// The issue's verification: "MC dropout and DenseFlipout produce predictive spreads that grow away
// from the data on a 1-D regression set".
//
// Data: 128 points x ~ U(-1, 1), y = sin(3x) + 0.1 ε. (a) A 1→32→32→1 relu MLP with dropout 0.1
// after each hidden layer, trained on MSE (Adam 5e-3, 1,500 full-batch steps), predicting with MC
// dropout; (b) a bayesianMlp([32, 32, 1]) of DenseFlipout layers (relu, prior N(0, 1)) trained on the
// negative ELBO per example, Gaussian NLL (σ = 0.1, the data's) + KL/N (Adam 2e-2, 600 steps),
// predicting with weight draws. Each predicts T = 400 independent passes (one key each) on a grid
// inside the data (|x| ≤ 0.9) and away from it (|x| in [2, 3]).
//
// Claims: the mean predictive standard deviation at |x| in [2, 3] is more than 1.5× (MC dropout)
// and 10× (flipout) the one inside the data, each at 4 Monte Carlo standard errors of the ratio (see
// `spread`; with T = 400 each standard deviation carries ~4-6% relative error), with the predictive
// mean within 0.1 RMSE of sin(3x) inside (so the spread is not that of an unfitted prior).
// Measured with this key (2026), the same on cpu and wasm: MC dropout 5.3 ± 0.4, flipout 35 ± 3,
// RMSE 0.04. With keys 7 and 99 instead: MC dropout 3.5 and 2.7, flipout 50 and 41. The dropout
// ratio varies with the training draw far more than with the MC error, so its claim sits below the
// lowest of the three.
//
// Time: about 16 s on wasm (the file switches to it: ~2× faster than cpu here), ~32 s on cpu.
import * as tf from '@tensorflow/tfjs-core';
import { adam, applyUpdates } from '@probdl/optimizers';
import { foldIn, initBackend, key, random, split, tree, valueAndGrad, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bayesianMlp } from '../../src/bayesian/index.js';
import { dense } from '../../src/dense/index.js';
import { dropout, sequential } from '../../src/layers/index.js';

// The data: N points x ~ U(-1, 1), y = sin(3x) + 0.1 ε.
const N = 128;
const NOISE = 0.1;
const DROPOUT_STEPS = 1500;
const FLIPOUT_STEPS = 600;
const LR_DROP = 5e-3;
const LR_FLIP = 2e-2;
const H = 32;
const [kx, ky, kTrain, kPredict] = split(key(2026), 4) as [PRNGKey, PRNGKey, PRNGKey, PRNGKey];

/** Adam on `loss(params, step)` for `steps` full-batch steps; returns the trained params (the input is disposed). */
function train<P extends Tree>(params: P, loss: (p: P, step: number) => tf.Scalar, steps: number, lr: number): P {
  const opt = adam(lr);
  let state = opt.init(params);
  const lossAndGrad = valueAndGrad(loss);
  for (let i = 0; i < steps; i++) {
    const [value, grads] = lossAndGrad(params, i);
    const [updates, next] = opt.update(grads, state, params);
    const newParams = applyUpdates(params, updates);
    tree.dispose([value, grads, updates, state, params] as Tree);
    params = newParams;
    state = next;
  }
  tree.dispose(state);
  return params;
}

/**
 * Predictive spread from T draws f_t(x) (T × G, host): per grid point the sample standard deviation
 * and its standard error se(s) ≈ sqrt((m4 − s⁴)/T) / (2s) (delta method on the sample variance,
 * with the sample fourth central moment m4, so no Gaussian assumption).
 */
function spread(draws: Float64Array, T: number, G: number): { mean: number[]; sd: number[]; se: number[] } {
  const mean: number[] = [], sd: number[] = [], se: number[] = [];
  for (let g = 0; g < G; g++) {
    let m = 0;
    for (let t = 0; t < T; t++) m += draws[t * G + g]!;
    m /= T;
    let m2 = 0, m4 = 0;
    for (let t = 0; t < T; t++) {
      const d = draws[t * G + g]! - m;
      m2 += d * d;
      m4 += d ** 4;
    }
    const v = m2 / (T - 1);
    m4 /= T;
    mean.push(m);
    sd.push(Math.sqrt(v));
    se.push(Math.sqrt(Math.max(m4 - v * v, 0) / T) / (2 * Math.sqrt(v)));
  }
  return { mean, sd, se };
}

const avg = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

describe('predictive spread grows away from the data (issue 5)', () => {
  let x: tf.Tensor;
  let y: tf.Tensor;
  beforeAll(async () => {
    // wasm trains these small models ~2× faster than cpu; restored in afterAll. PROBDL_SPREAD_CPU=1 keeps cpu.
    if (!process.env.PROBDL_SPREAD_CPU) await initBackend({ prefer: ['wasm', 'cpu'] });
    x = random.uniform(kx, [N, 1], { minval: -1, maxval: 1 });
    y = tf.tidy(() => tf.add(tf.sin(tf.mul(x, 3)), tf.mul(random.normal(ky, [N, 1]), NOISE)));
  });
  afterAll(async () => {
    tf.dispose([x, y]);
    if (!process.env.PROBDL_SPREAD_CPU) await initBackend({ prefer: ['cpu'] }); // this folder runs on cpu only (vitest.config.ts)
  });
  // Prediction grid: inside the data [-0.9, 0.9] and away from it, |x| in [2, 3].
  const inside = Array.from({ length: 19 }, (_, i) => -0.9 + 0.1 * i);
  const outside = [...Array.from({ length: 11 }, (_, i) => -3 + 0.1 * i), ...Array.from({ length: 11 }, (_, i) => 2 + 0.1 * i)];
  const grid = [...inside, ...outside];
  const G = grid.length;
  const T = 400;

  async function report(name: string, predict: (k: PRNGKey, xg: tf.Tensor) => tf.Tensor) {
    const xg = tf.tensor2d(grid, [G, 1]);
    const all = tf.tidy(() => tf.stack(Array.from({ length: T }, (_, t) => predict(foldIn(kPredict, t), xg)).map((d) => tf.reshape(d, [G]))));
    const draws = Float64Array.from(await all.data());
    tf.dispose([xg, all]);
    const s = spread(draws, T, G);
    const nIn = inside.length;
    const sdIn = avg(s.sd.slice(0, nIn)), sdOut = avg(s.sd.slice(nIn));
    // se of an average of correlated estimates is at most the average of their se's (triangle inequality).
    const seIn = avg(s.se.slice(0, nIn)), seOut = avg(s.se.slice(nIn));
    const ratio = sdOut / sdIn;
    // Relative errors add in quadrature for a ratio (ignoring their correlation, which here is positive and would shrink it).
    const seRatio = ratio * Math.sqrt((seIn / sdIn) ** 2 + (seOut / sdOut) ** 2);
    const rmse = Math.sqrt(avg(inside.map((xi, i) => (s.mean[i]! - Math.sin(3 * xi)) ** 2)));
    console.log(`${name}: sd inside ${sdIn.toFixed(4)} ± ${seIn.toFixed(4)}, |x| in [2, 3] ${sdOut.toFixed(4)} ± ${seOut.toFixed(4)}, ratio ${ratio.toFixed(2)} ± ${seRatio.toFixed(2)}; RMSE of the predictive mean vs sin(3x) inside ${rmse.toFixed(3)}`);
    return { ratio, seRatio, rmse };
  }

  it('MC dropout: the spread at |x| in [2, 3] exceeds 1.5× the spread inside the data', { timeout: 60_000 }, async () => {
    const t0 = performance.now();
    const net = sequential([dense(H, { activation: 'relu' }), dropout(0.1), dense(H, { activation: 'relu' }), dropout(0.1), dense(1)]);
    let params = net.init(foldIn(kTrain, 0), [1]);
    params = train(params, (p, step) => tf.tidy(() => tf.mean(tf.square(tf.sub(net.apply(p, x, { training: true, key: foldIn(foldIn(kTrain, 1), step) }), y))) as tf.Scalar), DROPOUT_STEPS, LR_DROP);
    const t1 = performance.now();
    const r = await report('MC dropout', (k, xg) => net.apply(params, xg, { mcDropout: true, key: k }));
    console.log(`train ${((t1 - t0) / 1000).toFixed(1)} s, predict ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    tree.dispose(params);
    expect(r.rmse).toBeLessThan(0.1);
    expect(r.ratio - 4 * r.seRatio).toBeGreaterThan(1.5);
  });

  it('DenseFlipout (bayesianMlp on the ELBO): the spread at |x| in [2, 3] exceeds 10× the spread inside the data', { timeout: 60_000 }, async () => {
    const t0 = performance.now();
    const net = bayesianMlp([32, 32, 1], { layer: 'flipout', activation: 'relu' });
    let params = net.init(foldIn(kTrain, 2), [1]);
    const negElbo = (p: typeof params, step: number) =>
      tf.tidy(() => {
        const f = net.apply(p, x, { key: foldIn(foldIn(kTrain, 3), step) });
        const nll = tf.mean(tf.div(tf.square(tf.sub(f, y)), 2 * NOISE * NOISE));
        return tf.add(nll, tf.div(net.klDivergence(p), N)) as tf.Scalar;
      });
    params = train(params, negElbo, FLIPOUT_STEPS, LR_FLIP);
    const t1 = performance.now();
    const r = await report('DenseFlipout', (k, xg) => net.apply(params, xg, { key: k }));
    console.log(`train ${((t1 - t0) / 1000).toFixed(1)} s, predict ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    tree.dispose(params);
    expect(r.rmse).toBeLessThan(0.1);
    expect(r.ratio - 4 * r.seRatio).toBeGreaterThan(10);
  });
});
