import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { key } from '@probdl/tensor-backend';
import { clusterCatalogue, histogramPrior, prepareClusterMass, standardScaler } from '../../src/index.js';

const cat = clusterCatalogue(key(5), { count: 6000 });

describe('prepareClusterMass', () => {
  it('splits by the key’s permutation, standardises on train, scales y over all rows into (0, 1)', async () => {
    const p = prepareClusterMass(cat, key(9), { trainSize: 4500 });
    try {
      expect(p.xTrain.shape).toEqual([4500, 14]);
      expect(p.xTest.shape).toEqual([1500, 14]);
      expect(p.yTrain.shape).toEqual([4500, 1]);
      expect(p.yTest.shape).toEqual([1500, 1]);
      const all = new Set([...p.trainIndices, ...p.testIndices]);
      expect(all.size).toBe(6000);
      // Train columns: mean 0 and std 1 (float32 rounding of the upload only).
      const { mean, variance } = tf.moments(p.xTrain, 0);
      const m = await mean.data();
      const v = await variance.data();
      tf.dispose([mean, variance]);
      for (let j = 0; j < 14; j++) {
        expect(Math.abs(m[j]!)).toBeLessThan(1e-5);
        expect(Math.abs(Math.sqrt(v[j]!) - 1)).toBeLessThan(1e-4);
      }
      // The state works with the package's StandardScaler: its inverse gives back the catalogue rows.
      const back = standardScaler().inverse(p.scaler, p.xTest);
      const b = await back.data();
      back.dispose();
      for (let i = 0; i < 20; i++) {
        for (let j = 0; j < 14; j++) {
          const want = cat.features[p.testIndices[i]! * 14 + j]!;
          expect(Math.abs(b[i * 14 + j]! - want)).toBeLessThan(1e-4 * (1 + Math.abs(want)));
        }
      }
      // y in [1e-5, 1 − 1e-5]; the extremes of all rows are clipped; the inverse recovers log mass.
      const y = [...(await p.yTrain.data()), ...(await p.yTest.data())];
      expect(Math.min(...y)).toBeCloseTo(1e-5, 9);
      expect(Math.max(...y)).toBeCloseTo(1 - 1e-5, 6);
      expect(p.logMassRange.min).toBe(Math.min(...cat.logMass));
      expect(p.logMassRange.max).toBe(Math.max(...cat.logMass));
      for (let i = 0; i < 50; i++) {
        const lm = p.logMassTrain[i]!;
        expect(lm).toBe(cat.logMass[p.trainIndices[i]!]);
        expect(p.yToLogMass(p.logMassToY(lm))).toBeCloseTo(lm, 12);
        expect(Math.abs(p.yToLogMass(y[i]!) - lm)).toBeLessThan(2e-5);
      }
      const lmT = p.yToLogMassTensor(p.yTest);
      const lmTest = await lmT.data();
      lmT.dispose();
      for (let i = 0; i < 50; i++) expect(Math.abs(lmTest[i]! - p.logMassTest[i]!)).toBeLessThan(1e-4);
      // The prior: 64 bins over the training masses.
      expect(p.prior.bins).toBe(64);
      expect(p.prior.edges[0]).toBe(Math.min(...p.logMassTrain));
    } finally {
      p.dispose();
    }
  });

  it('is deterministic in the key, and the default trainSize is the tutorial’s 200,000', () => {
    const a = prepareClusterMass(cat, key(1), { trainSize: 100 });
    const b = prepareClusterMass(cat, key(1), { trainSize: 100 });
    expect(a.trainIndices).toEqual(b.trainIndices);
    a.dispose();
    b.dispose();
    expect(() => prepareClusterMass(cat, key(1))).toThrow(/trainSize must be an integer in \[1, 5999\] \(count 6000\), got 200000/);
    expect(() => prepareClusterMass(cat, key(1), { trainSize: 0 })).toThrow(/got 0/);
    expect(() => prepareClusterMass(cat, key(1), { trainSize: 10, clip: 0.7 })).toThrow(/clip must be in/);
  });

  it('leaks nothing beyond what dispose() frees', async () => {
    await expectNoLeaks(() => {
      const p = prepareClusterMass(cat, key(2), { trainSize: 3000 });
      const t = p.yToLogMassTensor(p.yTrain);
      const d = p.prior.pdfTensor(t);
      const l = p.prior.logPdfTensor(t);
      tf.dispose([t, d, l]);
      p.dispose();
    });
  });
});

describe('histogramPrior', () => {
  const values = Array.from(cat.logMass);
  const prior = histogramPrior(values, 64);

  it('integrates to 1 and counts every value once (np.histogram, last bin closed)', () => {
    let integral = 0;
    for (let k = 0; k < 64; k++) integral += prior.density[k]! * (prior.edges[k + 1]! - prior.edges[k]!);
    expect(integral).toBeCloseTo(1, 12);
    expect(prior.counts.reduce((s, c) => s + c, 0)).toBe(values.length);
    expect(prior.counts[63]).toBeGreaterThan(0); // the maximum is in the last bin
  });

  it('evaluates like scipy’s rv_histogram: zero outside [min, max), the bin density inside', async () => {
    const lo = prior.edges[0]!;
    const hi = prior.edges[64]!;
    expect(prior.pdf(lo - 1e-9)).toBe(0);
    expect(prior.pdf(hi)).toBe(0);
    expect(prior.pdf(lo)).toBe(prior.density[0]);
    expect(prior.pdf(prior.edges[10]!)).toBe(prior.density[10]);
    expect(prior.pdf((prior.edges[10]! + prior.edges[11]!) / 2)).toBe(prior.density[10]);
    expect(prior.logPdf(hi + 1)).toBe(-Infinity);
    expect(prior.logPdf(lo)).toBeCloseTo(Math.log(prior.density[0]!), 12);
    // Riemann sum over a fine grid ≈ 1.
    let s = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) s += prior.pdf(lo + ((i + 0.5) * (hi - lo)) / n) * ((hi - lo) / n);
    expect(s).toBeCloseTo(1, 4);
    // The tensor versions agree at bin centres and outside.
    const xs = [lo - 0.5, ...Array.from({ length: 64 }, (_, k) => (prior.edges[k]! + prior.edges[k + 1]!) / 2), hi + 0.5];
    const x = tf.tensor1d(xs);
    const pt = prior.pdfTensor(x);
    const lt = prior.logPdfTensor(x);
    const p = await pt.data();
    const l = await lt.data();
    tf.dispose([x, pt, lt]);
    xs.forEach((v, i) => {
      expect(p[i]).toBeCloseTo(prior.pdf(v), 4);
      if (prior.pdf(v) === 0) expect(l[i]).toBe(-Infinity);
    });
  });

  it('equals NumPy 2.4.6 np.histogram and SciPy 1.17.1 rv_histogram on a sample with edge hits', () => {
    // x = [13.5 + ((i * 7919) % 1000) / 1000 * 1.8 for i in range(1000)] + [13.5, 15.3, 14.4, 13.5 + 1.8/64*10]
    const x = Array.from({ length: 1000 }, (_, i) => 13.5 + (((i * 7919) % 1000) / 1000) * 1.8);
    x.push(13.5, 15.3, 14.4, 13.5 + (1.8 / 64) * 10);
    const h = histogramPrior(x, 10);
    expect(Array.from(h.counts)).toEqual([101, 101, 101, 99, 100, 101, 100, 101, 99, 101]);
    expect(h.edges[3]).toBe(14.040000000000001);
    const pts = [13.5, 13.5 + (1.8 / 10) * 3, 14.0, 15.3, 15.29999, 13.49, 14.4];
    const scipy = [0.5588756086764052, 0.5588756086764052, 0.5588756086764052, 0.0, 0.5588756086764052, 0.0, 0.5588756086764052];
    pts.forEach((p, i) => expect(h.pdf(p)).toBeCloseTo(scipy[i]!, 14));
  });

  it('rejects bad input naming it', () => {
    expect(() => histogramPrior([], 64)).toThrow(/values is empty/);
    expect(() => histogramPrior([1, NaN], 64)).toThrow(/values\[1\] = NaN is not finite/);
    expect(() => histogramPrior([2, 2], 64)).toThrow(/all values equal 2/);
    expect(() => histogramPrior([1, 2], 0)).toThrow(/bins must be a positive integer, got 0/);
  });
});
