import * as tf from '@tensorflow/tfjs-core';
import { Laplace, Normal } from '@probdl/distributions';
import { key, random, tree, type PRNGKey } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { denseFlipout, denseLocalReparameterization, denseReparameterization, type BayesianDenseLayer, type BayesianDenseOptions, type BayesianDenseParams } from '../../src/bayesian/index.js';
import { expectClose, f64, hostPreActivation, redraw, type LayerType } from './host.js';

const FACTORIES: Record<LayerType, (units: number, o?: BayesianDenseOptions) => BayesianDenseLayer> = {
  reparameterization: denseReparameterization,
  flipout: denseFlipout,
  localReparameterization: denseLocalReparameterization,
};
const TYPES = Object.keys(FACTORIES) as LayerType[];

async function hostParams(p: BayesianDenseParams) {
  return {
    loc: await f64(p.kernelLoc),
    u: await f64(p.kernelUntransformedScale),
    bLoc: p.biasLoc ? await f64(p.biasLoc) : undefined,
    bU: p.biasUntransformedScale ? await f64(p.biasUntransformedScale) : undefined,
  };
}

describe.each(TYPES)('%s', (type) => {
  const make = FACTORIES[type];

  it('has TFP-named params of the right shapes and counts; the bias posterior is a point mass by default', () => {
    const layer = make(5);
    const p = layer.init(key(0), [2, 3]);
    expect(Object.keys(p).sort()).toEqual(['biasLoc', 'kernelLoc', 'kernelUntransformedScale']);
    expect(p.kernelLoc.shape).toEqual([3, 5]);
    expect(p.kernelUntransformedScale.shape).toEqual([3, 5]);
    expect(p.biasLoc!.shape).toEqual([5]);
    expect(tree.size(p)).toBe(2 * 15 + 5);
    tree.dispose(p);
    const g = make(5, { biasPosterior: 'normal' }).init(key(0), [3]);
    expect(Object.keys(g).sort()).toEqual(['biasLoc', 'biasUntransformedScale', 'kernelLoc', 'kernelUntransformedScale']);
    expect(tree.size(g)).toBe(2 * 15 + 2 * 5);
    tree.dispose(g);
    const nb = make(5, { useBias: false }).init(key(0), [3]);
    expect(Object.keys(nb).sort()).toEqual(['kernelLoc', 'kernelUntransformedScale']);
    tree.dispose(nb);
    expect(layer.kind).toBe({ reparameterization: 'DenseReparameterization', flipout: 'DenseFlipout', localReparameterization: 'DenseLocalReparameterization' }[type]);
    expect(layer.outputShape([7, 3])).toEqual([7, 5]);
  });

  it('accepts leading batch dimensions and keeps them', () => {
    const layer = make(4, { activation: 'tanh' });
    const p = layer.init(key(1), [3]);
    const x = tf.ones([2, 5, 3]);
    const y = layer.apply(p, x, { key: key(2) });
    expect(y.shape).toEqual([2, 5, 4]);
    const x1 = tf.ones([3]);
    const y1 = layer.apply(p, x1, { key: key(2) });
    expect(y1.shape).toEqual([4]);
    tf.dispose([x, y, x1, y1]);
    tree.dispose(p);
  });

  it('draws exactly the documented noise (re-drawn from the same key) and sample: false gives the posterior mean', async () => {
    const n = 6, inDim = 3, out = 4;
    for (const biasPosterior of ['pointMass', 'normal'] as const) {
      const layer = make(out, { biasPosterior });
      const p = layer.init(key(3), [inDim]);
      // Bigger scales than the init's 0.05 so the noise term is visible.
      const params: BayesianDenseParams = { ...p, kernelUntransformedScale: tf.add(p.kernelUntransformedScale, 2.5), ...(p.biasUntransformedScale ? { biasUntransformedScale: tf.add(p.biasUntransformedScale, 2.5) } : {}) };
      const xv = random.normal(key(4), [2, 3, inDim]);
      const k: PRNGKey = key(5);
      const y = layer.apply(params, xv, { key: k });
      expect(y.shape).toEqual([2, 3, out]);
      const hp = await hostParams(params);
      const x = await f64(xv);
      const want = hostPreActivation(type, x, n, inDim, out, hp, await redraw(type, k, n, inDim, out));
      expectClose(await f64(y), want, 1e-5, 1e-4, `${type} ${biasPosterior} sampled`);
      // Posterior mean: x·loc + biasLoc.
      const m = layer.apply(params, xv, { sample: false });
      const zeroNoise = { eps: new Float64Array(n * out * inDim), epsBias: new Float64Array(out), signIn: new Float64Array(n * inDim).fill(1), signOut: new Float64Array(n * out).fill(1) };
      const wantMean = hostPreActivation('reparameterization', x, n, inDim, out, hp, zeroNoise);
      expectClose(await f64(m), wantMean, 1e-5, 1e-4, `${type} mean`);
      tf.dispose([y, m, xv, params.kernelUntransformedScale, params.biasUntransformedScale!]);
      tree.dispose(p);
    }
  });

  it('init follows TFP defaults: loc ~ N(0, 0.1²), untransformed scale ~ N(-3, 0.1²)', async () => {
    const p = make(100).init(key(6), [50]); // 5,000 draws each
    const stats = async (t: tf.Tensor) => {
      const v = await f64(t);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      const s = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
      return { m, s, n: v.length };
    };
    const loc = await stats(p.kernelLoc);
    const u = await stats(p.kernelUntransformedScale);
    // Standard errors: mean 0.1/sqrt(n) = 0.0014; sd 0.1/sqrt(2(n-1)) = 0.001; 4σ bounds.
    expect(Math.abs(loc.m)).toBeLessThan(4 * 0.1 / Math.sqrt(loc.n));
    expect(Math.abs(u.m + 3)).toBeLessThan(4 * 0.1 / Math.sqrt(u.n));
    expect(Math.abs(loc.s - 0.1)).toBeLessThan(4 * 0.1 / Math.sqrt(2 * (loc.n - 1)));
    expect(Math.abs(u.s - 0.1)).toBeLessThan(4 * 0.1 / Math.sqrt(2 * (u.n - 1)));
    tree.dispose(p);
  });

  it('is a pure function of the key: the same key gives the same output, another key another', async () => {
    const layer = make(3);
    const p = layer.init(key(7), [2]);
    const x = tf.tensor2d([[1, -2], [0.5, 3]]);
    const a = await f64(layer.apply(p, x, { key: key(8) }));
    const b = await f64(layer.apply(p, x, { key: key(8) }));
    const c = await f64(layer.apply(p, x, { key: key(9) }));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    tf.dispose(x);
    tree.dispose(p);
  });

  it('does not leak in init, apply (sampled and mean) or klDivergence (analytic and Monte Carlo)', () => {
    const before = tf.memory().numTensors;
    const layer = make(3, { biasPosterior: 'normal', activation: 'relu' });
    const p = layer.init(key(10), [2]);
    const x = tf.ones([4, 2]);
    tf.dispose([layer.apply(p, x, { key: key(11) }), layer.apply(p, x, { sample: false }), layer.klDivergence(p)]);
    const laplace = new Laplace({ loc: 0, scale: 1 });
    const mc = make(3, { prior: laplace, biasPosterior: 'normal', klSamples: 3 });
    tf.dispose(mc.klDivergence(p, { key: key(12) }));
    const factory = make(3, { kernelPrior: (shape) => new Normal({ loc: tf.zeros([...shape]), scale: 2 }) });
    tf.dispose(factory.klDivergence(p));
    laplace.dispose();
    tf.dispose(x);
    tree.dispose(p);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('errors name the function, the argument and the shape', () => {
    const layer = make(3);
    const p = layer.init(key(13), [2]);
    const x = tf.ones([4, 2]);
    const label = { reparameterization: 'denseReparameterization(3)', flipout: 'denseFlipout(3)', localReparameterization: 'denseLocalReparameterization(3)' }[type];
    expect(() => layer.apply(p, x)).toThrow(/`key`/);
    expect(() => layer.apply(p, x, { training: false })).toThrow(new RegExp(`${label.replace(/[()]/g, '\\$&')}\\.apply: needs \`key\``));
    const bad = tf.ones([4, 5]);
    expect(() => layer.apply(p, bad, { key: key(0) })).toThrow(/x has last dimension 5 but the kernel expects 2 \(x shape \[4, 5\]\)/);
    expect(() => layer.apply({ kernelLoc: p.kernelLoc } as BayesianDenseParams, x, { key: key(0) })).toThrow(/params\.kernelUntransformedScale must be a tensor of shape \[2, 3\]/);
    expect(() => make(0)).toThrow(RangeError);
    expect(() => make(2.5)).toThrow(/units must be a positive integer, got 2.5/);
    expect(() => make(3, { klSamples: 0 })).toThrow(/klSamples must be a positive integer/);
    expect(() => make(3, { activation: 'nope' as never })).toThrow(/unknown activation 'nope'/);
    expect(() => make(3, { biasPosterior: 'gamma' as never })).toThrow(/biasPosterior must be 'pointMass' or 'normal'/);
    expect(() => make(3, { prior: 3 as never })).toThrow(/prior must be a Distribution/);
    expect(() => layer.init(key(0), [])).toThrow(/inputShape must be a non-empty array/);
    const wrongPrior = new Normal({ loc: [0, 0, 0, 0], scale: 1 });
    expect(() => make(3, { prior: wrongPrior }).klDivergence(p)).toThrow(/kernel prior Normal has batch shape \[4\].*do not broadcast to the kernel shape \[2, 3\]/);
    const laplace = new Laplace({ loc: 0, scale: 1 });
    expect(() => make(3, { prior: laplace }).klDivergence(p)).toThrow(/no closed-form KL\(Normal \|\| Laplace\).*needs `key`/);
    tf.dispose([x, bad]);
    wrongPrior.dispose();
    laplace.dispose();
    tree.dispose(p);
  });
});
