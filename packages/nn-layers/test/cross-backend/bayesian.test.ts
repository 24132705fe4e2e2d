// Bayesian layers on every backend (cpu, wasm, WebGPU): output shapes, the exact sampled output
// against a float64 host reference with the same noise, and the closed-form KL. Tiny tensors.
import * as tf from '@tensorflow/tfjs-core';
import { key, tree } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { bayesianMlp, denseFlipout, denseLocalReparameterization, denseReparameterization, type BayesianDenseParams } from '../../src/bayesian/index.js';
import { expectClose, f64, hostPreActivation, klNormal64, redraw, softplus64, type LayerType } from '../bayesian/host.js';

const FACTORIES = { reparameterization: denseReparameterization, flipout: denseFlipout, localReparameterization: denseLocalReparameterization };
const LOC = [0.5, -0.2, 0.1, 0.7, -0.6, 0.3]; // [2, 3]
const U = [-1, 0, 0.5, -0.5, 0.2, -1.2];
const BLOC = [0.1, -0.4, 0.2];
const BU = [-0.8, -0.2, 0.3];
const X = [0.8, -1.2, 0.5, -0.3, 0.9, 1.5, 1.1, 0.2]; // [2, 2, 2]

describe.each(Object.keys(FACTORIES) as LayerType[])('%s', (type) => {
  it('output shape with leading batch dims, the sampled output and the analytic KL match float64', async () => {
    const layer = FACTORIES[type](3, { biasPosterior: 'normal' });
    const init = layer.init(key(0), [2]);
    expect(init.kernelLoc.shape).toEqual([2, 3]);
    tf.dispose(Object.values(init) as tf.Tensor[]);
    const p: BayesianDenseParams = { kernelLoc: tf.tensor2d(LOC, [2, 3]), kernelUntransformedScale: tf.tensor2d(U, [2, 3]), biasLoc: tf.tensor1d(BLOC), biasUntransformedScale: tf.tensor1d(BU) };
    const x = tf.tensor3d(X, [2, 2, 2]);
    const k = key(1);
    const y = layer.apply(p, x, { key: k });
    expect(y.shape).toEqual([2, 2, 3]);
    const want = hostPreActivation(type, Float64Array.from(X), 4, 2, 3, { loc: Float64Array.from(LOC), u: Float64Array.from(U), bLoc: Float64Array.from(BLOC), bU: Float64Array.from(BU) }, await redraw(type, k, 4, 2, 3));
    expectClose(await f64(y), want, 1e-4, 1e-3, `${type} sampled output`);
    const kl = layer.klDivergence(p);
    let wantKl = 0;
    [...LOC, ...BLOC].forEach((m, i) => (wantKl += klNormal64(m, softplus64([...U, ...BU][i]!), 0, 1)));
    expect(Math.abs((await f64(kl))[0]! - wantKl)).toBeLessThan(1e-4 * wantKl);
    tf.dispose([x, y, kl, ...(Object.values(p) as tf.Tensor[])]);
  });
});

it('bayesianMlp: output shape and posterior-mean output', async () => {
  const net = bayesianMlp([3, 1], { layer: 'flipout', activation: 'tanh' });
  const p = net.init(key(2), [2]);
  const x = tf.tensor2d(X.slice(0, 4), [2, 2]);
  const y = net.apply(p, x, { key: key(3) });
  const m = net.apply(p, x, { sample: false });
  expect(y.shape).toEqual([2, 1]);
  expect(m.shape).toEqual([2, 1]);
  const kl = net.klDivergence(p);
  expect((await f64(kl))[0]).toBeGreaterThan(0);
  tf.dispose([x, y, m, kl]);
  tree.dispose(p);
});
