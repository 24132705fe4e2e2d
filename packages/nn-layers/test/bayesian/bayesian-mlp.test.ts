import * as tf from '@tensorflow/tfjs-core';
import { Laplace } from '@probdl/distributions';
import { foldIn, key, tree, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { bayesianMlp, denseFlipout, denseLocalReparameterization, denseReparameterization, type BayesianDenseParams, type BayesianLayerType, type BayesianMlpParams } from '../../src/bayesian/index.js';
import { f64 } from './host.js';

/** The value of a scalar tensor, disposing it. */
async function read(t: tf.Tensor): Promise<number> {
  const v = (await f64(t))[0]!;
  t.dispose();
  return v;
}

const FACTORIES = { reparameterization: denseReparameterization, flipout: denseFlipout, localReparameterization: denseLocalReparameterization };
const KINDS = { reparameterization: 'DenseReparameterization', flipout: 'DenseFlipout', localReparameterization: 'DenseLocalReparameterization' };

describe.each(Object.keys(FACTORIES) as BayesianLayerType[])('bayesianMlp, %s layers', (type) => {
  const widths = [5, 4, 2];
  const net = bayesianMlp(widths, { layer: type, activation: 'tanh', biasPosterior: 'normal' });
  // The same network written out by hand: layer i with foldIn(key, i).
  const layers = widths.map((w, i) => FACTORIES[type](w, { activation: i < 2 ? 'tanh' : undefined, biasPosterior: 'normal' }));
  const names = [0, 1, 2].map((i) => `${KINDS[type]}_${i}`);

  it('names children ${kind}_${i}, has the right param shapes, counts and output shape', () => {
    const p = net.init(key(0), [3]);
    expect(Object.keys(p)).toEqual(names);
    expect(net.children.map((c) => c.name)).toEqual(names);
    expect(p[names[0]!]!.kernelLoc.shape).toEqual([3, 5]);
    expect(p[names[1]!]!.kernelLoc.shape).toEqual([5, 4]);
    expect(p[names[2]!]!.biasUntransformedScale!.shape).toEqual([2]);
    expect(tree.size(p)).toBe(2 * (3 * 5 + 5) + 2 * (5 * 4 + 4) + 2 * (4 * 2 + 2));
    expect(net.outputShape([7, 3])).toEqual([7, 2]);
    tree.dispose(p);
  });

  it('apply is the chain of its layers with keys foldIn(key, i) (leading batch dims kept); sample: false chains the posterior means', async () => {
    const p = net.init(key(1), [3]);
    const x = tf.randomUniform([2, 3, 3], -1, 1, 'float32', 7);
    const k = key(2);
    const y = net.apply(p, x, { key: k });
    expect(y.shape).toEqual([2, 3, 2]);
    let h = x;
    layers.forEach((l, i) => (h = l.apply(p[names[i]!]!, h, { key: foldIn(k, i) })));
    expect(Array.from(await f64(y))).toEqual(Array.from(await f64(h)));
    const m = net.apply(p, x, { sample: false });
    let hm = x;
    layers.forEach((l, i) => (hm = l.apply(p[names[i]!]!, hm, { sample: false })));
    expect(Array.from(await f64(m))).toEqual(Array.from(await f64(hm)));
    tf.dispose([x, y, h, m, hm]);
    tree.dispose(p);
  });

  it('klDivergence is the sum of the layers\' KL terms (analytic, and Monte Carlo with keys foldIn(key, i))', async () => {
    const p = net.init(key(3), [3]);
    const kl = net.klDivergence(p);
    const parts = await Promise.all(layers.map(async (l, i) => read(l.klDivergence(p[names[i]!]!))));
    expect((await f64(kl))[0]).toBeCloseTo(parts.reduce((a, b) => a + b, 0), 3);
    const prior = new Laplace({ loc: 0, scale: 1 });
    const mcNet = bayesianMlp(widths, { layer: type, prior, klSamples: 2 });
    const mcLayers = widths.map((w) => FACTORIES[type](w, { prior, klSamples: 2 }));
    const k = key(4);
    const mc = mcNet.klDivergence(p, { key: k });
    const mcParts = await Promise.all(mcLayers.map(async (l, i) => read(l.klDivergence(p[names[i]!]! as BayesianDenseParams, { key: foldIn(k, i) }))));
    expect((await f64(mc))[0]).toBeCloseTo(mcParts.reduce((a, b) => a + b, 0), 3);
    expect(() => mcNet.klDivergence(p)).toThrow(/needs `key`/);
    tf.dispose([kl, mc]);
    prior.dispose();
    tree.dispose(p);
  });

  it('does not leak in init, apply, klDivergence or an ELBO gradient step', () => {
    const before = tf.memory().numTensors;
    const p = net.init(key(5), [3]);
    const x = tf.ones([4, 3]);
    const y = tf.zeros([4, 2]);
    tf.dispose([net.apply(p, x, { key: key(6) }), net.apply(p, x, { sample: false }), net.klDivergence(p)]);
    const negElbo = (params: BayesianMlpParams) =>
      tf.tidy(() => tf.add(tf.mean(tf.square(tf.sub(net.apply(params, x, { key: key(7) }), y))), tf.div(net.klDivergence(params), 100)) as tf.Scalar);
    const [value, grads] = valueAndGrad(negElbo)(p);
    expect(Object.keys(grads)).toEqual(names);
    tf.dispose(value);
    tree.dispose(grads);
    tf.dispose([x, y]);
    tree.dispose(p);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('bayesianMlp errors', () => {
  it('names the function and the argument', () => {
    expect(() => bayesianMlp([])).toThrow(/bayesianMlp: widths must be a non-empty array/);
    expect(() => bayesianMlp([3, 0])).toThrow(/widths must be a non-empty array of positive integers/);
    expect(() => bayesianMlp([3], { layer: 'dropconnect' as never })).toThrow(/layer must be one of reparameterization, flipout, localReparameterization/);
    expect(() => bayesianMlp([3, 1], { activations: ['tanh'] })).toThrow(/activations must have one entry per layer \(2\)/);
    expect(() => bayesianMlp([3, 1], { activations: ['tanh', 'identity'], activation: 'relu' })).toThrow(/either activations/);
    const net = bayesianMlp([3, 1]);
    const p = net.init(key(0), [2]);
    const x = tf.ones([1, 2]);
    expect(() => net.apply(p, x)).toThrow(/`key`/);
    tf.dispose(x);
    tree.dispose(p);
  });
});
