import * as tf from '@tensorflow/tfjs-core';
import { Categorical, Independent, MixtureSameFamily, MultivariateNormalTriL, Normal } from '@probdl/distributions';
import { key } from '@probdl/tensor-backend';
import { describe, expect, it } from 'vitest';
import {
  categorical,
  distributionLambda,
  independentBernoulli,
  independentNormal,
  independentPoisson,
  mixtureNormal,
  mixtureSameFamily,
  multivariateNormalTriL,
  type Head,
} from '../../src/heads/index.js';
import { logSigmoid, logSumExp, mixtureNormalLogProb, normalLogPdf, softplus, toTfpLayout, values } from './host.js';

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

async function host(t: tf.Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data());
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-5, atol = 1e-5): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    if (!(err <= atol + rtol * Math.abs(want[i]!))) throw new Error(`element ${i}: ${got[i]} vs ${want[i]} (|err| ${err})`);
  }
}

describe('paramsSize', () => {
  it('matches TFP for every head, as a static helper and on the head', () => {
    const cases: [Head, number, number][] = [
      [independentNormal([2, 3]), independentNormal.paramsSize([2, 3]), 12],
      [independentNormal(), independentNormal.paramsSize([]), 2],
      [independentBernoulli([4]), independentBernoulli.paramsSize([4]), 4],
      [independentPoisson([2, 2]), independentPoisson.paramsSize([2, 2]), 4],
      [categorical(5), categorical.paramsSize(5), 5],
      [multivariateNormalTriL(3), multivariateNormalTriL.paramsSize(3), 3 + 6],
      [mixtureNormal(16, [1]), mixtureNormal.paramsSize(16, [1]), 16 + 16 + 16],
      [mixtureNormal(3, [2]), mixtureNormal.paramsSize(3, [2]), 3 + 3 * 4],
      [mixtureSameFamily(3, multivariateNormalTriL(2)), mixtureSameFamily.paramsSize(3, multivariateNormalTriL(2)), 3 + 3 * 5],
    ];
    for (const [head, helper, want] of cases) {
      expect(head.paramsSize).toBe(want);
      expect(helper).toBe(want);
    }
    expect(mixtureSameFamily.paramsSize(4, 7)).toBe(4 + 28);
  });

  it('rejects bad sizes with errors naming the argument', () => {
    expect(() => independentNormal([2, 0])).toThrow(/independentNormal: argument 'eventShape'/);
    expect(() => categorical(0)).toThrow(/categorical: argument 'numClasses'/);
    expect(() => mixtureNormal(2.5)).toThrow(/mixtureNormal: argument 'numComponents'/);
    expect(() => independentNormal([1], { scaleShift: -1 })).toThrow(/scaleShift/);
  });
});

describe('shapes with several leading batch dimensions', () => {
  const batch = [2, 3, 4];
  const cases: [string, Head, number[]][] = [
    ['independentNormal', independentNormal([2, 3]), [2, 3]],
    ['independentBernoulli', independentBernoulli([5]), [5]],
    ['independentPoisson', independentPoisson([]), []],
    ['categorical', categorical(4), []],
    ['multivariateNormalTriL', multivariateNormalTriL(3), [3]],
    ['mixtureNormal', mixtureNormal(3, [2]), [2]],
    ['mixtureSameFamily of multivariateNormalTriL', mixtureSameFamily(2, multivariateNormalTriL(2)), [2]],
    ['mixtureSameFamily of independentBernoulli', mixtureSameFamily(3, independentBernoulli([2, 2])), [2, 2]],
  ];
  for (const [name, head, event] of cases) {
    it(name, () => {
      const f = tf.tensor(Float32Array.from(values(size(batch) * head.paramsSize)), [...batch, head.paramsSize]);
      const d = head.apply(f);
      expect(d.batchShape).toEqual(batch);
      expect(d.eventShape).toEqual(event);
      expect(head.eventShape).toEqual(event);
      const s = d.sample(key(1), [2]);
      expect(s.shape).toEqual([2, ...batch, ...event]);
      const lp = d.logProb(s);
      expect(lp.shape).toEqual([2, ...batch]);
      tf.dispose([f, s, lp]);
      d.dispose();
    });
  }

  it('works without batch dimensions (features of rank 1)', () => {
    const f = tf.tensor1d([0.5, -0.3]);
    const d = independentNormal([1]).apply(f);
    expect(d.batchShape).toEqual([]);
    expect(d.eventShape).toEqual([1]);
    d.dispose();
    f.dispose();
  });

  it('rejects features of the wrong width, naming the head and the shape', () => {
    const f = tf.zeros([3, 5]);
    expect(() => independentNormal([2]).apply(f)).toThrow('independentNormal([2]).apply: features has last dimension 5 but the head expects paramsSize 4 (features shape [3, 5])');
    expect(() => mixtureNormal(16, [1]).apply(f)).toThrow(/mixtureNormal\(16, \[1\]\)\.apply: features has last dimension 5 but the head expects paramsSize 48/);
    expect(() => categorical(3).apply(tf.scalar(1))).toThrow(/categorical\(3\)\.apply/);
    expect(() => categorical(5).apply(tf.zeros([2, 5], 'int32'))).toThrow(/float32/);
    f.dispose();
  });
});

describe('values against float64 host computations', () => {
  it('independentNormal: loc, scale = 1e-5 + softplus(x), and logProb', async () => {
    const batch = [2, 3];
    const event = [2];
    const p = values(6 * 4);
    const f = tf.tensor(Float32Array.from(p), [...batch, 4]);
    const yv = values(6 * 2, 1);
    const y = tf.tensor(Float32Array.from(yv), [...batch, ...event]);
    const d = independentNormal(event).apply(f);
    expect(d).toBeInstanceOf(Independent);
    const mean = d.mean();
    const sd = d.stddev();
    const lp = d.logProb(y);
    const wantLoc: number[] = [];
    const wantScale: number[] = [];
    const wantLp: number[] = [];
    for (let b = 0; b < 6; b++) {
      let s = 0;
      for (let e = 0; e < 2; e++) {
        const loc = p[b * 4 + e]!;
        const scale = 1e-5 + softplus(p[b * 4 + 2 + e]!);
        wantLoc.push(loc);
        wantScale.push(scale);
        s += normalLogPdf(yv[b * 2 + e]!, loc, scale);
      }
      wantLp.push(s);
    }
    expectClose(await host(mean), wantLoc);
    expectClose(await host(sd), wantScale);
    expectClose(await host(lp), wantLp, 1e-5, 1e-4);
    tf.dispose([f, y, mean, sd, lp]);
    d.dispose();
  });

  it('independentNormal keeps scales positive at very negative raw values', async () => {
    const f = tf.tensor2d([[0, -200]]);
    const d = independentNormal([1]).apply(f);
    const sd = d.stddev();
    const lp = d.logProb(tf.tensor2d([[0]]));
    expectClose(await host(sd), [1e-5], 1e-4, 0);
    expect(Number.isFinite((await lp.data())[0])).toBe(true);
    tf.dispose([f, sd, lp]);
    d.dispose();
  });

  it('mixtureNormal: logProb of a 3-component mixture over events [2] matches the host mixture formula', async () => {
    const k = 3;
    const n = 2;
    const ps = mixtureNormal.paramsSize(k, [n]);
    const batch = [4, 2];
    const rows = size(batch);
    const p = values(rows * ps);
    const yv = values(rows * n, 2).map((v) => 1.5 * v);
    const f = tf.tensor(Float32Array.from(p), [...batch, ps]);
    const y = tf.tensor(Float32Array.from(yv), [...batch, n]);
    const d = mixtureNormal(k, [n]).apply(f);
    expect(d).toBeInstanceOf(MixtureSameFamily);
    const lp = d.logProb(y);
    const want = Array.from({ length: rows }, (_, r) => mixtureNormalLogProb(p.subarray(r * ps, (r + 1) * ps), yv.subarray(r * n, (r + 1) * n), k, n));
    expectClose(await host(lp), want, 1e-4, 1e-4);
    // The mean is Σ w_k loc_k.
    const mean = d.mean();
    const wantMean: number[] = [];
    for (let r = 0; r < rows; r++) {
      const q = p.subarray(r * ps, (r + 1) * ps);
      const lse = logSumExp(Array.from(q.subarray(0, k)));
      for (let e = 0; e < n; e++) {
        let m = 0;
        for (let j = 0; j < k; j++) m += Math.exp(q[j]! - lse) * q[k + j * n + e]!;
        wantMean.push(m);
      }
    }
    expectClose(await host(mean), wantMean, 1e-5, 1e-5);
    tf.dispose([f, y, lp, mean]);
    d.dispose();
  });

  it('mixtureNormal over scalar events (eventShape [])', async () => {
    const k = 4;
    const ps = mixtureNormal.paramsSize(k);
    const p = values(3 * ps, 3);
    const yv = [-1, 0.3, 2.2];
    const f = tf.tensor(Float32Array.from(p), [3, ps]);
    const d = mixtureNormal(k).apply(f);
    expect(d.eventShape).toEqual([]);
    const lp = d.logProb(tf.tensor1d(yv));
    const want = yv.map((y, r) => mixtureNormalLogProb(p.subarray(r * ps, (r + 1) * ps), [y], k, 1));
    expectClose(await host(lp), want, 1e-4, 1e-4);
    tf.dispose([f, lp]);
    d.dispose();
  });

  it('mixtureNormal logProb (the short path) equals mixtureSameFamily(K, independentNormal) on the TFP-ordered features, with sample dims, NaN and ±Infinity', async () => {
    for (const event of [[], [2], [2, 2]]) {
      const k = 4;
      const fast = mixtureNormal(k, event);
      const generic = mixtureSameFamily(k, independentNormal(event, { scaleShift: 1e-3 }));
      expect(generic.paramsSize).toBe(fast.paramsSize);
      const n = size(event);
      const pv = values(3 * fast.paramsSize, 6);
      const f = tf.tensor(Float32Array.from(pv), [3, fast.paramsSize]);
      const g = tf.tensor(Float32Array.from(toTfpLayout(pv, 3, k, n)), [3, fast.paramsSize]);
      const a = fast.apply(f);
      const b = generic.apply(g);
      const yv = values(2 * 3 * n, 7).map((v, i) => (i === 1 ? NaN : i === 2 ? Infinity : i === 3 ? -Infinity : 2 * v));
      const y = tf.tensor(Float32Array.from(yv), [2, 3, ...event]);
      const la = await host(a.logProb(y));
      const lb = await host(b.logProb(y));
      expect(la.length).toBe(6);
      for (let i = 0; i < 6; i++) {
        if (Number.isFinite(lb[i]!)) expect(Math.abs(la[i]! - lb[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(lb[i]!)));
        else expect(la[i]).toBe(-Infinity);
      }
      // Host numbers take the generic path.
      const hostY = (Array.from({ length: 3 }, () => (n === 1 && event.length === 0 ? 0.5 : event.length === 1 ? [0.5, 0.5] : [[0.5, 0.5], [0.5, 0.5]])) as never);
      const lh = a.logProb(hostY);
      expect(lh.shape).toEqual([3]);
      tf.dispose([f, g, y, lh]);
      a.dispose();
      b.dispose();
    }
  });

  it('independentBernoulli: logProb', async () => {
    const p = values(2 * 3 * 4);
    const yv = p.map((_, i) => (i * 7) % 3 === 0 ? 1 : 0);
    const f = tf.tensor(Float32Array.from(p), [2, 12]);
    const d = independentBernoulli([3, 4]).apply(f);
    const lp = d.logProb(tf.tensor(Float32Array.from(yv), [2, 3, 4]));
    const want = [0, 1].map((b) => {
      let s = 0;
      for (let i = 0; i < 12; i++) {
        const x = p[b * 12 + i]!;
        s += yv[b * 12 + i] === 1 ? logSigmoid(x) : logSigmoid(-x);
      }
      return s;
    });
    expectClose(await host(lp), want, 1e-5, 1e-4);
    tf.dispose([f, lp]);
    d.dispose();
  });

  it('categorical: logProb', async () => {
    const p = values(3 * 5);
    const f = tf.tensor(Float32Array.from(p), [3, 5]);
    const d = categorical(5).apply(f);
    expect(d).toBeInstanceOf(Categorical);
    const lp = d.logProb(tf.tensor1d([4, 0, 2], 'int32'));
    const want = [4, 0, 2].map((c, r) => p[r * 5 + c]! - logSumExp(Array.from(p.subarray(r * 5, r * 5 + 5))));
    expectClose(await host(lp), want);
    tf.dispose([f, lp]);
    d.dispose();
  });

  it('independentPoisson: rate = exp(x) and logProb', async () => {
    const p = values(2 * 3).map((v) => v / 2);
    const counts = [0, 3, 1, 7, 2, 5];
    const f = tf.tensor(Float32Array.from(p), [2, 3]);
    const d = independentPoisson([3]).apply(f);
    const mean = d.mean();
    const lp = d.logProb(tf.tensor(counts, [2, 3]));
    const logFact = (k: number): number => {
      let s = 0;
      for (let i = 2; i <= k; i++) s += Math.log(i);
      return s;
    };
    const want = [0, 1].map((b) => {
      let s = 0;
      for (let i = 0; i < 3; i++) {
        const x = p[b * 3 + i]!;
        const k = counts[b * 3 + i]!;
        s += k * x - Math.exp(x) - logFact(k);
      }
      return s;
    });
    expectClose(await host(mean), Array.from(p, Math.exp), 1e-5);
    expectClose(await host(lp), want, 1e-5, 1e-4);
    tf.dispose([f, mean, lp]);
    d.dispose();
  });

  it('multivariateNormalTriL: loc, a softplus + 1e-5 diagonal, row-major lower packing, and logProb', async () => {
    const dim = 3;
    const ps = multivariateNormalTriL.paramsSize(dim);
    const p = values(2 * ps).map((v) => v / 2);
    const yv = values(2 * dim, 4);
    const f = tf.tensor(Float32Array.from(p), [2, ps]);
    const d = multivariateNormalTriL(dim).apply(f);
    expect(d).toBeInstanceOf(MultivariateNormalTriL);
    const lp = d.logProb(tf.tensor(Float32Array.from(yv), [2, dim]));
    // Host log density by forward substitution: z = L⁻¹(y − loc), log p = −½|z|² − Σ log L_ii − (d/2) log 2π.
    const wantLp = [0, 1].map((b) => {
      const q = p.subarray(b * ps, (b + 1) * ps);
      const L = Array.from({ length: dim }, () => new Float64Array(dim));
      let pos = dim;
      for (let i = 0; i < dim; i++) for (let j = 0; j <= i; j++) L[i]![j] = i === j ? softplus(q[pos++]!) + 1e-5 : q[pos++]!;
      const r = Array.from({ length: dim }, (_, i) => yv[b * dim + i]! - q[i]!);
      const z = new Float64Array(dim);
      let logDet = 0;
      for (let i = 0; i < dim; i++) {
        let s = r[i]!;
        for (let j = 0; j < i; j++) s -= L[i]![j]! * z[j]!;
        z[i] = s / L[i]![i]!;
        logDet += Math.log(L[i]![i]!);
      }
      return -0.5 * z.reduce((a, v) => a + v * v, 0) - logDet - (dim / 2) * Math.log(2 * Math.PI);
    });
    expectClose(await host(lp), wantLp, 1e-4, 1e-4);
    tf.dispose([f, lp]);
    d.dispose();
  });

  it('mixtureSameFamily of independentBernoulli: logProb', async () => {
    const k = 2;
    const head = mixtureSameFamily(k, independentBernoulli([3]));
    const p = values(head.paramsSize, 5);
    const yv = [1, 0, 1];
    const f = tf.tensor(Float32Array.from(p), [1, head.paramsSize]);
    const d = head.apply(f);
    const lp = d.logProb(tf.tensor([yv]));
    const logits = Array.from(p.subarray(0, k));
    const lse = logSumExp(logits);
    const terms = logits.map((l, j) => l - lse + yv.reduce((s, y, e) => s + (y === 1 ? logSigmoid(p[k + j * 3 + e]!) : logSigmoid(-p[k + j * 3 + e]!)), 0));
    expectClose(await host(lp), [logSumExp(terms)], 1e-5, 1e-5);
    tf.dispose([f, lp]);
    d.dispose();
  });
});

describe('ownership and validation', () => {
  it('the distribution never references features: the caller may dispose them right after apply', async () => {
    const heads: Head[] = [independentNormal([2]), categorical(3), mixtureNormal(2, [1]), multivariateNormalTriL(2), independentPoisson([2])];
    for (const head of heads) {
      const f = tf.tensor(Float32Array.from(values(2 * head.paramsSize)), [2, head.paramsSize]);
      const d = head.apply(f);
      f.dispose();
      const s = d.sample(key(0));
      const lp = d.logProb(s);
      expect((await lp.data()).every((v) => Number.isFinite(v))).toBe(true);
      tf.dispose([s, lp]);
      d.dispose();
    }
  });

  it('validateArgs is off by default and can be turned on per head or per call', () => {
    const f = tf.zeros([2, 4]);
    const head = independentNormal([2]);
    const a = head.apply(f);
    const b = head.apply(f, { validateArgs: true });
    const c = independentNormal([2], { validateArgs: true }).apply(f);
    expect(a.validateArgs).toBe(false);
    expect((a as Independent).distribution.validateArgs).toBe(false);
    expect(b.validateArgs).toBe(true);
    expect((c as Independent).distribution.validateArgs).toBe(true);
    [a, b, c].forEach((d) => d.dispose());
    f.dispose();
  });
});

describe('distributionLambda', () => {
  const fn = (f: tf.Tensor, o: { validateArgs: boolean }): Normal =>
    new Normal({ loc: tf.squeeze(tf.slice(f, [0, 0], [-1, 1]), [1]), scale: tf.exp(tf.squeeze(tf.slice(f, [0, 1], [-1, 1]), [1])), validateArgs: o.validateArgs });

  it('is a Head when paramsSize and eventShape are given, and checks both', async () => {
    const head = distributionLambda(fn, { paramsSize: 2, eventShape: [] });
    expect(head.paramsSize).toBe(2);
    const f = tf.tensor2d([
      [0.5, 0],
      [1, Math.log(2)],
    ]);
    const d = head.apply(f);
    const lp = d.logProb(tf.tensor1d([0, 1]));
    expectClose(await host(lp), [normalLogPdf(0, 0.5, 1), normalLogPdf(1, 1, 2)], 1e-5, 1e-5);
    expect(() => head.apply(tf.zeros([2, 3]))).toThrow(/expects paramsSize 2/);
    const wrongEvent = distributionLambda(fn, { paramsSize: 2, eventShape: [1] });
    expect(() => wrongEvent.apply(f)).toThrow(/event shape \[\] but the head declares \[1\]/);
    tf.dispose([f, lp]);
    d.dispose();
  });

  it('frees what fn made (intermediates at once, parameters on dispose) and never the features or captured tensors', () => {
    const captured = tf.scalar(2);
    const head = distributionLambda((f) => new Normal({ loc: tf.mul(tf.sum(f, -1), 1), scale: captured }));
    const f = tf.ones([3, 2]);
    const before = tf.memory().numTensors;
    const d = head.apply(f);
    // Only the loc survives apply (sum and mul: the sum is freed by the tidy).
    expect(tf.memory().numTensors).toBe(before + 1);
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(f.isDisposed).toBe(false);
    expect(captured.isDisposed).toBe(false);
    tf.dispose([f, captured]);
  });

  it('passes validateArgs through and rejects a non-distribution', () => {
    const f = tf.tensor2d([[0, 0]]);
    const bad = distributionLambda((x) => new Normal({ loc: 0, scale: tf.sub(tf.sum(x), 1), validateArgs: true }));
    expect(() => bad.apply(f)).toThrow(/scale/);
    const notDist = distributionLambda(() => tf.zeros([1]) as unknown as Normal);
    expect(() => notDist.apply(f)).toThrow(/must return a Distribution/);
    f.dispose();
  });
});
