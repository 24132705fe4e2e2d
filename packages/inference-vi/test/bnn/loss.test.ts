import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Normal } from '@probdl/distributions';
import { denseReparameterization } from '@probdl/nn-layers';
import { foldIn, key, random, split, type PRNGKey } from '@probdl/tensor-backend';
import { bayesByBackpropLoss, bayesByBackpropTerms, gaussianLikelihood, heteroscedasticGaussianLikelihood } from '../../src/index.js';
import { expectGradientsMatchHost } from '../conjugate/helpers.js';

// The Bayes-by-backprop loss against a float64 hand computation on a tiny case: one
// denseReparameterization layer (2 → 1, Gaussian bias, prior N(0, 1)), a batch of B = 3, N = 10,
// β = 0.3, K = 2 draws. The weight noise is read back with the key derivation that loss.ts and the
// layer document: draw k applies with foldIn(split(key, 2)[0], k), and the layer draws
// ε = random.normal(split(k', 2)[0], [2, 1]), ε_b = random.normal(split(k', 2)[1], [1]).

const X = [0.5, -1.0, 1.5, 0.2, -0.3, 2.0];
const Y = [0.4, -0.7, 1.1];
const B = 3;
const N = 10;
const BETA = 0.3;
const K = 2;
const SIGMA = 0.5;
const P0 = { kernelLoc: [0.3, -0.2], kernelU: [-1, 0.5], biasLoc: [0.1], biasU: [-2] };
const softplus = (v: number) => Math.log1p(Math.exp(v));
const LOG_2PI = Math.log(2 * Math.PI);

async function noise(k: PRNGKey): Promise<{ eps: Float64Array[]; epsB: Float64Array[] }> {
  const kApply = split(k, 2)[0]!;
  const eps: Float64Array[] = [];
  const epsB: Float64Array[] = [];
  for (let d = 0; d < K; d++) {
    const [kW, kB] = split(foldIn(kApply, d), 2) as [PRNGKey, PRNGKey];
    const e = random.normal(kW, [2, 1]);
    const eb = random.normal(kB, [1]);
    eps.push(Float64Array.from(await e.data()));
    epsB.push(Float64Array.from(await eb.data()));
    tf.dispose([e, eb]);
  }
  return { eps, epsB };
}

/** The loss in float64 from [kernelLoc, kernelU, biasLoc, biasU]. */
function hostTerms(p: Float64Array[], eps: Float64Array[], epsB: Float64Array[]): { loss: number; nll: number; kl: number } {
  const [loc, u, bl, bu] = p as [Float64Array, Float64Array, Float64Array, Float64Array];
  let ll = 0;
  for (let d = 0; d < K; d++) {
    const w = [loc[0]! + softplus(u[0]!) * eps[d]![0]!, loc[1]! + softplus(u[1]!) * eps[d]![1]!];
    const b = bl[0]! + softplus(bu[0]!) * epsB[d]![0]!;
    for (let i = 0; i < B; i++) {
      const f = X[2 * i]! * w[0]! + X[2 * i + 1]! * w[1]! + b;
      ll += -0.5 * ((Y[i]! - f) / SIGMA) ** 2 - Math.log(SIGMA) - 0.5 * LOG_2PI;
    }
  }
  const nll = -ll / (B * K);
  // KL(N(m, s²) || N(0, 1)) = −log s + (s² + m²)/2 − 1/2, summed over the kernel and the bias.
  let kl = 0;
  const pairs: [number, number][] = [[loc[0]!, u[0]!], [loc[1]!, u[1]!], [bl[0]!, bu[0]!]];
  for (const [m, uu] of pairs) {
    const s = softplus(uu);
    kl += -Math.log(s) + 0.5 * (s * s + m * m) - 0.5;
  }
  return { loss: nll + (BETA * kl) / N, nll, kl };
}

const layer = denseReparameterization(1, { biasPosterior: 'normal' });
const params = () => ({
  kernelLoc: tf.tensor2d(P0.kernelLoc, [2, 1]),
  kernelUntransformedScale: tf.tensor2d(P0.kernelU, [2, 1]),
  biasLoc: tf.tensor1d(P0.biasLoc),
  biasUntransformedScale: tf.tensor1d(P0.biasU),
});

describe('bayesByBackpropLoss', () => {
  const k = key(11);

  it.each([
    ['gaussianLikelihood (a log-likelihood tensor)', gaussianLikelihood(SIGMA)],
    ['a Normal distribution', (out: tf.Tensor) => new Normal({ loc: out, scale: SIGMA })],
  ])('equals the float64 hand computation with %s', async (_name, likelihood) => {
    const { eps, epsB } = await noise(k);
    const want = hostTerms([P0.kernelLoc, P0.kernelU, P0.biasLoc, P0.biasU].map((a) => Float64Array.from(a)), eps, epsB);
    const p = params();
    const x = tf.tensor2d(X, [B, 2]);
    const y = tf.tensor2d(Y, [B, 1]);
    const before = tf.memory().numTensors;
    const opts = { key: k, likelihood, datasetSize: N, klWeight: BETA, numSamples: K };
    const loss = bayesByBackpropLoss(layer, p, x, y, opts);
    const terms = bayesByBackpropTerms(layer, p, x, y, opts);
    // float32 arithmetic on values of order 1-10: 1e-5 relative.
    expect((await loss.data())[0]!).toBeCloseTo(want.loss, 4);
    expect(Math.abs((await terms.nll.data())[0]! - want.nll)).toBeLessThan(1e-5 * Math.abs(want.nll) + 1e-6);
    expect(Math.abs((await terms.kl.data())[0]! - want.kl)).toBeLessThan(1e-5 * Math.abs(want.kl) + 1e-6);
    expect(Math.abs((await terms.loss.data())[0]! - want.loss)).toBeLessThan(1e-5 * Math.abs(want.loss) + 1e-6);
    tf.dispose([loss, terms.loss, terms.nll, terms.kl]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, ...Object.values(p)]);
  });

  it('β = 0 and a module without klDivergence give the mean negative log-likelihood', async () => {
    const p = params();
    const x = tf.tensor2d(X, [B, 2]);
    const y = tf.tensor2d(Y, [B, 1]);
    const plain = { init: layer.init, apply: layer.apply }; // no klDivergence: maximum likelihood
    const a = bayesByBackpropLoss(layer, p, x, y, { key: k, likelihood: gaussianLikelihood(SIGMA), klWeight: 0 });
    const b = bayesByBackpropLoss(plain, p, x, y, { key: k, likelihood: gaussianLikelihood(SIGMA) });
    const t = bayesByBackpropTerms(layer, p, x, y, { key: k, likelihood: gaussianLikelihood(SIGMA) });
    expect((await a.data())[0]).toBe((await t.nll.data())[0]);
    expect((await b.data())[0]).toBe((await t.nll.data())[0]);
    // datasetSize defaults to the batch: loss = nll + kl / B.
    expect((await t.loss.data())[0]!).toBeCloseTo((await t.nll.data())[0]! + (await t.kl.data())[0]! / B, 4);
    tf.dispose([a, b, t.loss, t.nll, t.kl, x, y, ...Object.values(p)]);
  });

  it('its gradient matches finite differences of the float64 loss', async () => {
    const { eps, epsB } = await noise(k);
    const x = tf.tensor2d(X, [B, 2]);
    const y = tf.tensor2d(Y, [B, 1]);
    await expectGradientsMatchHost(
      (kernelLoc, kernelUntransformedScale, biasLoc, biasUntransformedScale) =>
        bayesByBackpropLoss(layer, { kernelLoc: kernelLoc!, kernelUntransformedScale: kernelUntransformedScale!, biasLoc: biasLoc!, biasUntransformedScale: biasUntransformedScale! }, x, y, {
          key: k,
          likelihood: gaussianLikelihood(SIGMA),
          datasetSize: N,
          klWeight: BETA,
          numSamples: K,
        }),
      (inputs) => hostTerms(inputs, eps, epsB).loss,
      [
        { values: P0.kernelLoc, shape: [2, 1] },
        { values: P0.kernelU, shape: [2, 1] },
        { values: P0.biasLoc, shape: [1] },
        { values: P0.biasU, shape: [1] },
      ],
      { rtol: 2e-3, atol: 2e-4 },
    );
    tf.dispose([x, y]);
  });

  it('heteroscedasticGaussianLikelihood: log N(y | μ, (softplus(u) + minScale)²) per element', async () => {
    const out = tf.tensor2d([0.1, -0.5, 0.3, 1.2], [2, 2]);
    const y = tf.tensor2d([0.4, 0.0], [2, 1]);
    const ll = heteroscedasticGaussianLikelihood({ minScale: 0.01 })(out, y) as tf.Tensor;
    const got = await ll.data();
    const rows = [[0.1, -0.5, 0.4], [0.3, 1.2, 0.0]];
    rows.forEach(([m, u, yy], i) => {
      const s = softplus(u!) + 0.01;
      expect(got[i]!).toBeCloseTo(-0.5 * ((yy! - m!) / s) ** 2 - Math.log(s) - 0.5 * LOG_2PI, 5);
    });
    expect(ll.shape).toEqual([2, 1]);
    tf.dispose([out, y, ll]);
  });
});
