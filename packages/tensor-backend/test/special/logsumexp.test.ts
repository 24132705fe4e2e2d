import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { refNumber } from '@probdl/vitest-config/reference';
import { logSoftmax, logSumExp, logSumExpSigned, softmax } from '../../src/special/index.js';
import { backend, F32_MAX, F32_MIN, filterCases, inputsOf, read, ref, truth, ULP, webGpuExpRoom } from './helpers.js';

const sf = ref?.special_functions;

/** float64 log-sum-exp and softmax weights of float32-rounded inputs (finite entries). */
function lse64(xs: number[], bs?: number[]): { value: number; weights: number[] } {
  const m = Math.max(...xs.filter((_, i) => (bs ? bs[i] !== 0 : true)));
  const terms = xs.map((x, i) => (bs?.[i] ?? 1) * Math.exp(x - m));
  const s = terms.reduce((p, q) => p + q, 0);
  return { value: Math.log(Math.abs(s)) + m, weights: terms.map((t) => t / s) };
}

// Allowed error of a log-sum-exp: 4 ulp of the value (the log and the sum), plus the inputs' float32 rounding
// passed through the softmax weights (sum_i w_i |x_i| 2^-24), plus on WebGPU exp's error for each term
// (w_i (3 + 2 |x_i - max|) ulp).
function lseAllowed(xs: number[], value: number): number {
  const finite = xs.every(Number.isFinite);
  if (!finite) return 0;
  const { weights } = lse64(xs.map((v) => Math.fround(v)));
  const m = Math.max(...xs);
  const sens = weights.reduce((acc, w, i) => acc + Math.abs(w) * Math.abs(xs[i] as number), 0) * 2 ** -24;
  const gpu = weights.reduce((acc, w, i) => acc + Math.abs(w) * webGpuExpRoom((xs[i] as number) - m), 0);
  return F32_MIN + 4 * ULP * Math.abs(value) + sens + gpu + 4 * ULP;
}

describe.skipIf(sf === undefined)(`logSumExp against scipy-values on ${backend}`, () => {
  const { kept, label } = filterCases(sf?.logsumexp?.cases ?? []);

  it(`matches mpmath/scipy: ${label}`, async () => {
    const bad: string[] = [];
    for (const c of kept) {
      const xs = inputsOf(c);
      const got = (await read(logSumExp(xs)))[0] as number;
      const e = truth(c);
      const ok = Number.isNaN(e) ? Number.isNaN(got) : !Number.isFinite(e) ? got === e : Math.abs(got - e) <= lseAllowed(xs, e);
      if (!ok) bad.push(`logSumExp([${xs.slice(0, 5).join(', ')}${xs.length > 5 ? ', ...' : ''}]) = ${got}, expected ${e}`);
    }
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('gradient: softmax weights; exactly 0 (not NaN) when every entry is -inf; the +inf entries share it', async () => {
    const bad: string[] = [];
    for (const c of kept) {
      const xs = inputsOf(c);
      const x = tf.tensor1d(xs);
      const g = await read(tf.grad((v: tf.Tensor) => logSumExp(v))(x));
      x.dispose();
      let expected: number[];
      if (xs.some(Number.isNaN)) continue;
      if (xs.every((v) => v === -Infinity)) expected = xs.map(() => 0);
      else if (xs.some((v) => v === Infinity)) {
        const n = xs.filter((v) => v === Infinity).length;
        expected = xs.map((v) => (v === Infinity ? 1 / n : 0));
      } else {
        const value64 = lse64(xs.filter(Number.isFinite).map((u) => Math.fround(u))).value;
        expected = xs.map((v) => (v === -Infinity ? 0 : Math.exp(Math.fround(v) - value64)));
      }
      expected.forEach((e, i) => {
        const gi = g[i] as number;
        // weights are exp(x_i - value): 4 ulp plus exp's error on WebGPU for that argument
        const arg = Number.isFinite(xs[i] as number) ? Math.abs((xs[i] as number) - truth(c)) : 0;
        const tol = e === 0 ? 0 : 1e-30 + (4 * ULP + webGpuExpRoom(arg)) * Math.abs(e) + 4 * ULP * Math.abs(e) * Math.abs(xs[i] as number);
        if (!(Math.abs(gi - e) <= tol)) bad.push(`d/dx_${i} logSumExp([${xs.slice(0, 4).join(', ')}]) = ${gi}, expected ${e}`);
      });
    }
    expect(bad, bad.join('\n')).toEqual([]);
  });

  const weighted = sf?.logsumexp?.weighted ?? [];
  it(`weighted and signed forms match scipy (${weighted.length} cases)`, async () => {
    for (const w of weighted) {
      const xs = (w.x as unknown[]).map(refNumber);
      const { value, sign } = logSumExpSigned(xs, { b: w.b });
      const e = refNumber(w.value);
      await expect(value).toBeCloseTensor(e, { rtol: 4 * ULP, atol: lseAllowed(xs, e) });
      await expect(sign).toBeCloseTensor(w.sign, { rtol: 0, atol: 0 });
      // The unsigned form gives log of a positive sum, NaN for a negative one (as scipy without return_sign).
      await expect(logSumExp(xs, { b: w.b })).toBeCloseTensor(w.sign > 0 ? e : NaN, { rtol: 4 * ULP, atol: lseAllowed(xs, e) });
      tf.dispose([value, sign]);
    }
  });
});

describe(`logSumExp behaviour on ${backend}`, () => {
  it('does not overflow at float32 scale (3e38) and keeps 1e-38-scale differences', async () => {
    await expect(logSumExp([3e38, 3e38])).toBeCloseTensor(Math.fround(3e38), { rtol: 2 * ULP, atol: 0 });
    await expect(logSumExp([-3e38, 0])).toBeCloseTensor(0, { rtol: 0, atol: 0 });
    await expect(logSumExp([-Infinity, -Infinity, -Infinity])).toBeCloseTensor(-Infinity);
    const g = tf.grad((v: tf.Tensor) => logSumExp(v))(tf.tensor1d([3e38, 3e38]));
    await expect(g).toBeCloseTensor([0.5, 0.5], { rtol: 0, atol: 0 });
    g.dispose();
  });

  it('reduces over axes, keeps dims, accepts negative axes', async () => {
    const x = tf.tensor2d([[0, Math.log(3)], [1, -Infinity]]);
    await expect(logSumExp(x, { axis: 1 })).toBeCloseTensor([Math.log(4), 1], { rtol: 3e-7 });
    await expect(logSumExp(x, { axis: -2, keepDims: true })).toBeCloseTensor([[Math.log(1 + Math.E), Math.log(3)]], { rtol: 3e-7 });
    await expect(logSumExp(x, { axis: [0, 1] })).toBeCloseTensor(Math.log(4 + Math.E), { rtol: 3e-7 });
    await expect(logSumExp(x)).toBeCloseTensor(Math.log(4 + Math.E), { rtol: 3e-7 });
    expect(logSumExp(x, { axis: 0, keepDims: true }).shape).toEqual([1, 2]);
    x.dispose();
  });

  it('weights broadcast against x and gradients flow to x and b', async () => {
    const x = tf.tensor2d([[0, 1, 2], [3, 4, 5]]);
    const b = tf.tensor1d([1, -0.5, 2]);
    const [gx, gb] = tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(logSumExp(u, { axis: 1, b: v })))([x, b]);
    // float64: d/dx_ij = b_j e^x_ij / S_i, d/db_j = sum_i e^x_ij / S_i
    const rows = [[0, 1, 2], [3, 4, 5]];
    const bs = [1, -0.5, 2];
    const S = rows.map((r) => r.reduce((acc, v, j) => acc + (bs[j] as number) * Math.exp(v), 0));
    await expect(gx as tf.Tensor).toBeCloseTensor(rows.map((r, i) => r.map((v, j) => ((bs[j] as number) * Math.exp(v)) / (S[i] as number))), { rtol: 2e-6, atol: 1e-7 });
    await expect(gb as tf.Tensor).toBeCloseTensor(bs.map((_, j) => rows.reduce((acc, r, i) => acc + Math.exp(r[j] as number) / (S[i] as number), 0)), { rtol: 2e-6, atol: 1e-7 });
    tf.dispose([x, b, gx as tf.Tensor, gb as tf.Tensor]);
  });

  it('entries with weight 0 are left out, also where x is infinite', async () => {
    await expect(logSumExp([5, Infinity], { b: [1, 0] })).toBeCloseTensor(5, { rtol: 1e-7 });
    const { value, sign } = logSumExpSigned([0, 0], { b: [1, -1] });
    await expect(value).toBeCloseTensor(-Infinity);
    await expect(sign).toBeCloseTensor(0);
    tf.dispose([value, sign]);
  });

  it('names the axis and the rank when an axis is out of range, and rejects repeated axes', () => {
    expect(() => logSumExp([[1, 2]], { axis: 2 })).toThrow(/logSumExp: axis 2 is out of range for a tensor of rank 2 \(allowed: -2\.\.1\)/);
    expect(() => logSumExp([1, 2], { axis: -2 })).toThrow(/axis -2 is out of range for a tensor of rank 1/);
    expect(() => logSumExp([[1, 2]], { axis: [1, -1] })).toThrow(/axis -1 is listed twice/);
    expect(() => logSumExpSigned(3, { axis: 0 })).toThrow(/logSumExpSigned: axis 0 is out of range for a tensor of rank 0/);
    expect(() => logSumExp([1, 2], { b: [1, 2, 3] })).toThrow(/logSumExp: arguments cannot be broadcast together: x \[2\], b \[3\]/);
  });
});

describe.skipIf(sf === undefined)(`logSoftmax / softmax on ${backend}`, () => {
  const { kept, label } = filterCases(sf?.log_softmax?.cases ?? [], undefined);

  it(`match scipy-values 'log_softmax' and its softmax column: ${label}`, async () => {
    for (const c of kept) {
      const xs = inputsOf(c);
      const e = (c.value as unknown[]).map(refNumber);
      const s = (c.softmax as unknown[]).map(refNumber);
      // each entry: 4 ulp of itself plus the log-sum-exp's allowed error
      const tol = lseAllowed(xs, Math.max(...e.map(Math.abs)));
      await expect(logSoftmax(xs)).toBeCloseTensor(e, { rtol: 4 * ULP, atol: tol });
      await expect(softmax(xs)).toBeCloseTensor(s, { rtol: 8 * ULP + webGpuExpRoom(20), atol: F32_MIN });
    }
  });

  it('gradients are the vector-Jacobian products of the float64 softmax, with 0 (not NaN) at -inf entries', async () => {
    const x = tf.tensor2d([[1, 2, 3, -Infinity], [0.5, -1, 4, 2]]);
    const v = [[0.3, -1, 2, 5], [1, 1, -2, 0.5]];
    const xs = [[1, 2, 3, -Infinity], [0.5, -1, 4, 2]];
    const s = xs.map((r) => {
      const m = Math.max(...r);
      const e = r.map((u) => Math.exp(u - m));
      const z = e.reduce((p, q) => p + q, 0);
      return e.map((u) => u / z);
    });
    const vt = tf.tensor2d(v);
    const gl = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(logSoftmax(u), vt)))(x);
    const gs = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(softmax(u), vt)))(x);
    const expectedL = v.map((r, i) => r.map((vi, j) => vi - (s[i]?.[j] as number) * r.reduce((p, q) => p + q, 0)));
    const expectedS = v.map((r, i) => {
      const dot = r.reduce((p, q, j) => p + q * (s[i]?.[j] as number), 0);
      return r.map((vi, j) => (s[i]?.[j] as number) * (vi - dot));
    });
    await expect(gl).toBeCloseTensor(expectedL, { rtol: 2e-6, atol: 2e-6 });
    await expect(gs).toBeCloseTensor(expectedS, { rtol: 2e-6, atol: 2e-6 });
    tf.dispose([x, vt, gl, gs]);
  });

  it('take an axis (default -1), and reject scalars and bad axes', async () => {
    const x = tf.tensor2d([[0, 0], [1, 1]]);
    await expect(softmax(x, 0)).toBeCloseTensor([[1 / (1 + Math.E), 1 / (1 + Math.E)], [Math.E / (1 + Math.E), Math.E / (1 + Math.E)]], { rtol: 1e-6 });
    await expect(logSoftmax(x)).toBeCloseTensor([[-Math.LN2, -Math.LN2], [-Math.LN2, -Math.LN2]], { rtol: 1e-6 });
    expect(() => softmax(1)).toThrow(/softmax: x must have at least one axis/);
    expect(() => logSoftmax(x, 2)).toThrow(/logSoftmax: axis 2 is out of range for a tensor of rank 2/);
    x.dispose();
    // huge entries: x - max first, so the log 2 is not rounded away
    await expect(logSoftmax([3e38, 3e38])).toBeCloseTensor([-Math.LN2, -Math.LN2], { rtol: 1e-6 });
    await expect(softmax([3e38, 3e38])).toBeCloseTensor([0.5, 0.5], { rtol: 1e-7 });
    // a slice that is all -inf has no distribution: NaN, as in scipy
    await expect(logSoftmax([-Infinity, -Infinity])).toBeCloseTensor([NaN, NaN]);
    expect(F32_MAX).toBeGreaterThan(3e38);
  });

  it('leak no tensors (values and gradients)', async () => {
    const x = tf.tensor2d([[1, 2], [3, -Infinity]]);
    const b = tf.tensor1d([1, -2]);
    await expectNoLeaks(() => logSumExp(x));
    await expectNoLeaks(() => logSumExp(x, { axis: 1, keepDims: true, b }));
    await expectNoLeaks(() => logSumExpSigned(x, { axis: 0, b }));
    await expectNoLeaks(() => logSoftmax(x));
    await expectNoLeaks(() => softmax(x, 0));
    await expectNoLeaks(() => tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(logSumExp(u, { axis: 1, b: v })))([x, b]));
    await expectNoLeaks(() => tf.grad((u: tf.Tensor) => tf.sum(logSoftmax(u)))(x));
    await expectNoLeaks(() => tf.grad((u: tf.Tensor) => tf.sum(softmax(u)))(x));
    tf.dispose([x, b]);
  });
});
