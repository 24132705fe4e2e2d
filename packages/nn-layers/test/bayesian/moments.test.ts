// Monte Carlo checks of the layers' output distribution against its closed form (~2 s on cpu).
import * as tf from '@tensorflow/tfjs-core';
import { key, split } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { denseFlipout, denseLocalReparameterization, denseReparameterization, type BayesianDenseLayer, type BayesianDenseParams } from '../../src/bayesian/index.js';
import { f64, softplus64, type LayerType } from './host.js';

const IN = 3, OUT = 2, N = 3, S = 1000;
const X = [0.8, -1.2, 0.5, -0.3, 0.9, 1.5, 1.1, 0.2, -0.7]; // [N, IN]
const LOC = [0.5, -0.2, 0.1, 0.7, -0.6, 0.3];
const U = [-1, 0, 0.5, -0.5, 0.2, -1.2]; // scales softplus(u) in [0.26, 0.97]
const BLOC = [0.1, -0.4];
const BU = [-0.8, -0.2];

const LAYERS: Record<LayerType, BayesianDenseLayer> = {
  reparameterization: denseReparameterization(OUT, { biasPosterior: 'normal' }),
  flipout: denseFlipout(OUT, { biasPosterior: 'normal' }),
  localReparameterization: denseLocalReparameterization(OUT, { biasPosterior: 'normal' }),
};

/** The analytic moments, float64 from the definitions: mean x·m + b, variance Σ_i x_i² σ_ij² + σ_bj². */
const mean = (r: number, j: number) => BLOC[j]! + [0, 1, 2].reduce((a, i) => a + X[r * IN + i]! * LOC[i * OUT + j]!, 0);
const sb2 = (j: number) => softplus64(BU[j]!) ** 2;
const wVar = (r: number, j: number) => [0, 1, 2].reduce((a, i) => a + X[r * IN + i]! ** 2 * softplus64(U[i * OUT + j]!) ** 2, 0);
const variance = (r: number, j: number) => wVar(r, j) + sb2(j);

/** S draws of the layer's output for the N examples, [S, N, OUT] on the host. */
async function draws(type: LayerType): Promise<Float64Array> {
  const params: BayesianDenseParams = {
    kernelLoc: tf.tensor2d(LOC, [IN, OUT]),
    kernelUntransformedScale: tf.tensor2d(U, [IN, OUT]),
    biasLoc: tf.tensor1d(BLOC),
    biasUntransformedScale: tf.tensor1d(BU),
  };
  const x = tf.tensor2d(X, [N, IN]);
  const keys = split(key(31), S);
  const all = tf.tidy(() => tf.stack(keys.map((k) => LAYERS[type].apply(params, x, { key: k }))));
  const out = await f64(all);
  tf.dispose([all, x, ...Object.values(params)]);
  return out;
}

interface Moments { m: number[]; v: number[]; cov01: number[] }
function moments(d: Float64Array): Moments {
  const at = (s: number, r: number, j: number) => d[(s * N + r) * OUT + j]!;
  const m: number[] = [], v: number[] = [], cov01: number[] = [];
  for (let r = 0; r < N; r++) {
    for (let j = 0; j < OUT; j++) {
      let a = 0;
      for (let s = 0; s < S; s++) a += at(s, r, j);
      m.push(a / S);
    }
  }
  for (let r = 0; r < N; r++) {
    for (let j = 0; j < OUT; j++) {
      let a = 0;
      for (let s = 0; s < S; s++) a += (at(s, r, j) - m[r * OUT + j]!) ** 2;
      v.push(a / (S - 1));
    }
  }
  for (let j = 0; j < OUT; j++) {
    let a = 0;
    for (let s = 0; s < S; s++) a += (at(s, 0, j) - m[j]!) * (at(s, 1, j) - m[OUT + j]!);
    cov01.push(a / (S - 1));
  }
  return { m, v, cov01 };
}

// Every output is exactly Gaussian for a fixed x (linear in Gaussian weights), so over S independent
// keys: se(mean) = sqrt(v/S), se(sample variance) = v·sqrt(2/(S−1)), and for the sample covariance of
// two jointly Gaussian outputs se = sqrt((v0·v1 + c²)/(S−1)). Each check allows 4 standard errors.
const Z = 4;

describe('output distribution over many keys', () => {
  const results = new Map<LayerType, Moments>();
  const get = async (type: LayerType) => {
    if (!results.has(type)) results.set(type, moments(await draws(type)));
    return results.get(type)!;
  };

  it.each(['reparameterization', 'flipout', 'localReparameterization'] as LayerType[])('%s: mean ≈ the posterior-mean output and variance ≈ x²·σ² + σ_b² per unit', async (type) => {
    const { m, v } = await get(type);
    for (let r = 0; r < N; r++) {
      for (let j = 0; j < OUT; j++) {
        const i = r * OUT + j;
        const vv = variance(r, j);
        expect(Math.abs(m[i]! - mean(r, j))).toBeLessThan(Z * Math.sqrt(vv / S));
        expect(Math.abs(v[i]! - vv)).toBeLessThan(Z * vv * Math.sqrt(2 / (S - 1)));
      }
    }
    // The posterior-mean output (sample: false) is the analytic mean.
    const params = { kernelLoc: tf.tensor2d(LOC, [IN, OUT]), kernelUntransformedScale: tf.tensor2d(U, [IN, OUT]), biasLoc: tf.tensor1d(BLOC), biasUntransformedScale: tf.tensor1d(BU) };
    const x = tf.tensor2d(X, [N, IN]);
    const det = LAYERS[type].apply(params, x, { sample: false });
    const got = await f64(det);
    for (let r = 0; r < N; r++) for (let j = 0; j < OUT; j++) expect(Math.abs(got[r * OUT + j]! - mean(r, j))).toBeLessThan(1e-5);
    tf.dispose([det, x, ...Object.values(params)]);
  });

  it('flipout has the same per-example marginals as reparameterization (means and variances)', async () => {
    const f = await get('flipout');
    const p = await get('reparameterization');
    for (let r = 0; r < N; r++) {
      for (let j = 0; j < OUT; j++) {
        const i = r * OUT + j;
        const vv = variance(r, j);
        // Differences of two independent estimates: the variances of the estimates add.
        expect(Math.abs(f.m[i]! - p.m[i]!)).toBeLessThan(Z * Math.sqrt((2 * vv) / S));
        expect(Math.abs(f.v[i]! - p.v[i]!)).toBeLessThan(Z * vv * Math.sqrt(4 / (S - 1)));
      }
    }
  });

  it('examples share weights under reparameterization, flipout decorrelates them, local reparameterization makes them independent', async () => {
    // Covariance of examples 0 and 1 in unit j: reparameterization Σ_i x0i x1i σ_ij² + σ_bj² (one W, one b
    // per call); flipout σ_bj² only (the random signs cancel the weight term; the bias draw is shared, as in
    // TFP); local reparameterization 0 (independent per-example draws).
    const weightCov = (j: number) => [0, 1, 2].reduce((a, i) => a + X[i]! * X[IN + i]! * softplus64(U[i * OUT + j]!) ** 2, 0);
    const want: Record<LayerType, (j: number) => number> = {
      reparameterization: (j) => weightCov(j) + sb2(j),
      flipout: sb2,
      localReparameterization: () => 0,
    };
    for (const type of Object.keys(want) as LayerType[]) {
      const { cov01 } = await get(type);
      for (let j = 0; j < OUT; j++) {
        const c = want[type](j);
        const se = Math.sqrt((variance(0, j) * variance(1, j) + c * c) / (S - 1));
        expect(Math.abs(cov01[j]! - c), `${type} unit ${j}`).toBeLessThan(Z * se);
      }
    }
    // The weight term is large enough here for the test to tell the three rules apart.
    expect(Math.abs(weightCov(0))).toBeGreaterThan(8 * Math.sqrt((variance(0, 0) * variance(1, 0)) / (S - 1)));
  });
});
