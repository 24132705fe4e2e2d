import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key, split, valueAndGrad } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import { Gamma } from '../../src/families/gamma.js';
import { sampleGamma } from '../../src/internal/gamma-sample.js';
import { casesOf } from '../helpers/reference.js';
import { expectGradsMatch, expectValueGradsMatch } from '../helpers/gradcheck.js';
import { host, meanWithinMcError } from '../helpers/stats.js';
import { expectKsPasses } from '../helpers/sampling.js';
import { bisect, digammaHost, gammaPHost, gammaQHost, lgammaHost, meanAndSe, trigammaHost } from './host-math.js';
import { checkReference } from './reference-check.js';

describe('Gamma against mpmath', () => {
  for (const c of casesOf('Gamma')) {
    const { concentration, rate } = c.params as { concentration: number; rate: number };
    it(`concentration=${concentration} rate=${rate}`, async () => {
      const d = new Gamma({ concentration, rate });
      // float32 log densities: ~1e-6 relative plus the rounding of x itself (|d logp/dx| · 6e-8 |x|), which
      // reaches ~5e-4 absolute at x = 30005 for concentration 1e4. igamma is ~1e-6 relative (tensor-backend),
      // so the log CDF and survival get 2e-5 relative and 2e-6 absolute (near log 1 = 0); where they underflow
      // float32 (log < -87: x = 1e-8 at concentration 100 and 1e4, x = 30.5 and 30005 in the upper tail) the
      // log-space series and continued fraction take over, with the same relative tolerance.
      await checkReference(d, c, {
        logProb: { rtol: 1e-5, atol: 1e-3 },
        logCdf: { rtol: 2e-5, atol: 2e-6 },
        logSurvival: { rtol: 2e-5, atol: 2e-6 },
        entropy: { rtol: 1e-5, atol: 2e-5 },
      });
      await expect(d.mean()).toBeCloseTensor(concentration / rate, { rtol: 1e-6 });
      await expect(d.variance()).toBeCloseTensor(concentration / rate ** 2, { rtol: 1e-6 });
      d.dispose();
    });
  }
});

describe('sampleGamma (implicit reparameterisation)', () => {
  it('dx/dα matches the float64 finite difference of the quantile at the same CDF level', async () => {
    const alphas = [0.05, 0.3, 1, 2.5, 10, 100, 3000];
    const a = tf.tensor1d(alphas);
    const [x, g] = valueAndGrad((c: tf.Tensor) => tf.sum(sampleGamma(key(11), c, [alphas.length])))(a);
    x.dispose();
    const xs = await host(sampleGamma(key(11), a, [alphas.length]));
    const gs = await host(g as tf.Tensor);
    for (let i = 0; i < alphas.length; i++) {
      const al = alphas[i]!;
      if (xs[i]! === 0) continue;
      const u = gammaPHost(al, xs[i]!);
      const h = 1e-5 * al;
      const q = (b: number) => bisect((t) => gammaPHost(b, t) - u, 0, 10 * (al + 10));
      const fd = (q(al + h) - q(al - h)) / (2 * h);
      // float32 x and igamma (~1e-6 relative): the gradient's own error is a few 1e-5 relative. At α = 3000
      // dP/dα (~6e-3, formed by Temme's expansion in float32) carries ~5e-6 absolute error: 1e-3 relative.
      const rtol = al > 1000 ? 2e-3 : 2e-4;
      expect(Math.abs(gs[i]! - fd), `alpha=${al} x=${xs[i]} grad=${gs[i]} fd=${fd}`).toBeLessThan(rtol * Math.abs(fd) + 1e-7);
    }
    a.dispose();
  });
  for (const alpha of [0.4, 3, 30]) {
    it(`E[dx/dα] = d/dα E[x] = 1 and E[d log x/dα] = trigamma(α) within MC error (α = ${alpha})`, async () => {
      const n = 4000;
      const a = tf.fill([n], alpha);
      const [, gx] = valueAndGrad((c: tf.Tensor) => tf.sum(sampleGamma(key(5), c, [n])))(a);
      const [, glog] = valueAndGrad((c: tf.Tensor) => tf.sum(tf.log(sampleGamma(key(5), c, [n]))))(a);
      const dx = meanAndSe(await host(gx as tf.Tensor));
      const dlog = meanAndSe(await host(glog as tf.Tensor));
      expect(Math.abs(dx.mean - 1)).toBeLessThan(5 * dx.se);
      expect(Math.abs(dlog.mean - trigammaHost(alpha))).toBeLessThan(5 * dlog.se);
      tf.dispose([a, gx as tf.Tensor, glog as tf.Tensor]);
    });
  }
  it('sums gradients of a broadcast concentration and leaves nothing behind', async () => {
    const a = tf.tensor1d([2, 5]);
    await expectNoLeaks(() => {
      const [v, g] = valueAndGrad((c: tf.Tensor) => tf.sum(sampleGamma(key(2), c, [3, 2])))(a);
      return [v, g as tf.Tensor, sampleGamma(key(2), a, [4, 2])];
    });
    const [, g] = valueAndGrad((c: tf.Tensor) => tf.sum(sampleGamma(key(2), c, [3, 2])))(a);
    expect((g as tf.Tensor).shape).toEqual([2]);
    a.dispose();
  });
});

describe('Gamma', () => {
  for (const [concentration, rate] of [
    [2.5, 0.5],
    [0.3, 2],
  ] as const) {
    it(`samples (α=${concentration}, β=${rate}): KS test of cdf(samples), mean within MC error`, async () => {
      const d = new Gamma({ concentration, rate });
      const s = await expectKsPasses(d, key(7), 4000);
      expect(meanWithinMcError(s, concentration / rate, Math.sqrt(concentration) / rate).ok).toBe(true);
      d.dispose();
    });
  }
  it('shapes: sample is sampleShape + batchShape; logProb broadcasts x against the batch', () => {
    const d = new Gamma({ concentration: [1, 2, 3], rate: [[1], [2]] });
    expect(d.batchShape).toEqual([2, 3]);
    expect(d.sample(key(1), [4]).shape).toEqual([4, 2, 3]);
    expect(d.logProb(0.5).shape).toEqual([2, 3]);
    expect(d.cdf([[[0.5]]]).shape).toEqual([1, 2, 3]);
    d.dispose();
  });
  it('logProb is -Infinity outside the support; cdf is 0 / survival 1 below it; boundary at 0', async () => {
    const d = new Gamma({ concentration: [0.5, 1, 2], rate: 2 });
    await expect(d.logProb([-1, -1, -1])).toBeCloseTensor([-Infinity, -Infinity, -Infinity]);
    await expect(d.logProb([0, 0, 0])).toBeCloseTensor([Infinity, Math.log(2), -Infinity]);
    await expect(d.cdf([-1, -1, -1])).toBeCloseTensor([0, 0, 0]);
    await expect(d.survival([-1, -1, -1])).toBeCloseTensor([1, 1, 1]);
    await expect(d.logProb([NaN, Infinity, Infinity])).toBeCloseTensor([-Infinity, -Infinity, -Infinity]);
    d.dispose();
  });
  it('mode, stddev against closed forms (mode NaN for α < 1)', async () => {
    const d = new Gamma({ concentration: [0.5, 1, 4], rate: 2 });
    await expect(d.mode()).toBeCloseTensor([NaN, 0, 1.5], { equalNan: true });
    await expect(d.stddev()).toBeCloseTensor([Math.sqrt(0.5) / 2, 0.5, 1], { rtol: 1e-6 });
    d.dispose();
  });
  it('entropy against the closed form in float64 across the branch at α = 20', async () => {
    const alphas = [0.2, 7, 19.5, 20, 150, 1e5];
    const d = new Gamma({ concentration: alphas, rate: 3 });
    const expected = alphas.map((a) => a - Math.log(3) + lgammaHost(a) + (1 - a) * digammaHost(a));
    await expect(d.entropy()).toBeCloseTensor(expected, { rtol: 1e-5, atol: 1e-5 });
    d.dispose();
  });
  it('rejects bad parameters, naming the argument', () => {
    expect(() => new Gamma({ concentration: 0, rate: 1 })).toThrow(/Gamma: argument 'concentration' must be positive/);
    expect(() => new Gamma({ concentration: 1, rate: -2 })).toThrow(/Gamma: argument 'rate' must be positive/);
    expect(() => new Gamma({ concentration: [1, 2], rate: [1, 2, 3] })).toThrow(/'concentration' \[2\] and 'rate' \[3\] do not broadcast/);
  });
  it('reparameterised sample gradient: d sample / d rate = -sample / rate', async () => {
    const rate = tf.scalar(2);
    const [s, g] = valueAndGrad((p: { rate: tf.Tensor }) => tf.sum(new Gamma({ concentration: 3, rate: p.rate, validateArgs: false }).sample(key(4), 6)))({ rate });
    await expect((g as { rate: tf.Tensor }).rate).toBeCloseTensor(tf.div(tf.neg(s), 2), { rtol: 1e-5 });
  });
  it('reparameterised sample gradient in concentration: mean of d sample / dα is 1/β within MC error', async () => {
    const n = 4000;
    const conc = tf.fill([n], 2);
    const [, g] = valueAndGrad((c: tf.Tensor) => tf.sum(new Gamma({ concentration: c, rate: 4, validateArgs: false }).sample(key(9))))(conc);
    const { mean, se } = meanAndSe(await host(g as tf.Tensor));
    expect(Math.abs(mean - 0.25)).toBeLessThan(5 * se);
  });
  it('has no leaks', async () => {
    await expectNoLeaks(() => {
      const d = new Gamma({ concentration: [0.5, 3], rate: 2 });
      const [k1] = split(key(1), 1) as [ReturnType<typeof key>];
      const out = [
        d.sample(k1, [3]),
        d.logProb([0.5]),
        d.prob(1),
        d.cdf(0.2),
        d.logCdf(0.3),
        d.survival(2),
        d.logSurvival(2),
        d.mean(),
        d.variance(),
        d.stddev(),
        d.mode(),
        d.entropy(),
      ];
      d.dispose();
      return out;
    });
  });
});

describe('Gamma gradients', () => {
  it('d logProb / dx and d cdf / dx agree with finite differences (what HMC and transforms need)', async () => {
    const d = new Gamma({ concentration: [0.7, 3.5, 15], rate: 1.3 });
    await expectValueGradsMatch(d, ['logProb', 'cdf'], [0.3, 1.7, 12]);
    d.dispose();
  });
  it('d logProb / d(concentration, rate) agree with finite differences, on both sides of the Stirling branch', async () => {
    const x = [0.3, 1.7, 4.2];
    for (const concentration of [0.7, 3.5, 15]) {
      await expectGradsMatch(
        (p) => tf.sum(new Gamma({ concentration: p.concentration!, rate: p.rate!, validateArgs: false }).logProb(x)),
        { concentration, rate: 1.3 },
      );
    }
  });
  it('deep tails (log-space series / continued fraction): values against float64 and gradients against finite differences', async () => {
    // log P(30, 1) ≈ -75 and log Q(3, 120) ≈ -111 underflow float32 as probabilities.
    const lower = new Gamma({ concentration: 30, rate: 1 });
    const upper = new Gamma({ concentration: 3, rate: 1 });
    await expect(lower.logCdf([0.5, 1])).toBeCloseTensor([0.5, 1].map((x) => Math.log(gammaPHost(30, x))), { rtol: 2e-5 });
    await expect(upper.logSurvival([100, 120])).toBeCloseTensor([100, 120].map((x) => Math.log(gammaQHost(3, x))), { rtol: 2e-5 });
    lower.dispose();
    upper.dispose();
    for (const [method, concentration, x] of [
      ['logCdf', 30, [0.5, 1]],
      ['logSurvival', 3, [100, 120]],
    ] as const) {
      await expectGradsMatch(
        (p) => tf.sum(new Gamma({ concentration: p.concentration!, rate: p.rate!, validateArgs: false })[method]([...x])),
        { concentration, rate: 1 },
        { step: 1e-3, label: method },
      );
    }
  });
  it('d cdf / d(concentration, rate) agree with finite differences', async () => {
    await expectGradsMatch(
      (p) => tf.sum(new Gamma({ concentration: p.concentration!, rate: p.rate!, validateArgs: false }).cdf([0.5, 2, 6])),
      { concentration: 2.2, rate: 0.9 },
    );
  });
});
