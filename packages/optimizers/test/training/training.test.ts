import * as tf from '@tensorflow/tfjs-core';
import { toFloat64Array, tree, type Tree } from '@probdl/tensor-backend';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { adam } from '../../src/optimizers/index.js';
import { fit, makeTrainStep } from '../../src/training/index.js';
import type { GradientTransformation } from '../../src/types.js';

/** A tiny SGD written here, so the expected trajectories below are plain arithmetic: u = −lr·g. */
function tinySgd(lr: number): GradientTransformation<{ count: tf.Scalar }> {
  return {
    init: () => ({ count: tf.scalar(0, 'int32') }),
    update: (g, state) =>
      tf.tidy(() => [tree.map((x: tf.Tensor) => tf.mul(x, -lr), g as never), { count: tf.add(state.count, tf.scalar(1, 'int32')) }]) as never,
  };
}

// Least squares on fixed data: loss(w, b) = mean((x w + b − y)²).
const xs = [-1, -0.5, 0, 0.5, 1, 1.5];
const ys = xs.map((x) => 2 * x - 1 + 0.1 * Math.sin(7 * x));
type Lin = { w: tf.Tensor; b: tf.Tensor };
const mse = (p: Lin, x: tf.Tensor, y: tf.Tensor): tf.Scalar => tf.tidy(() => tf.mean(tf.square(tf.sub(tf.add(tf.mul(x, p.w), p.b), y))) as tf.Scalar);

/** The same SGD on the same loss in float64: the losses before each step and the final (w, b). */
function sgdReference(lr: number, steps: number, sign = 1): { losses: number[]; w: number; b: number } {
  let w = 0;
  let b = 0;
  const losses: number[] = [];
  const n = xs.length;
  for (let i = 0; i < steps; i++) {
    const r = xs.map((x, j) => x * w + b - ys[j]!);
    losses.push(r.reduce((s, v) => s + v * v, 0) / n);
    const gw = (2 / n) * r.reduce((s, v, j) => s + v * xs[j]!, 0);
    const gb = (2 / n) * r.reduce((s, v) => s + v, 0);
    w -= sign * lr * gw;
    b -= sign * lr * gb;
  }
  return { losses, w, b };
}

describe('makeTrainStep', () => {
  it('does valueAndGrad + update + applyUpdates, consuming params and state but not the data', async () => {
    const x = tf.tensor1d(xs);
    const y = tf.tensor1d(ys);
    const opt = tinySgd(0.1);
    const step = makeTrainStep(mse, opt);
    const p0: Lin = { w: tf.scalar(0), b: tf.scalar(0) };
    const s0 = opt.init(p0);
    const out = step(p0, s0, x, y);
    const ref = sgdReference(0.1, 1);
    // float32 arithmetic on O(1) numbers: 1e-6.
    await expect(out.loss).toBeCloseTensor(ref.losses[0], { rtol: 1e-6, atol: 1e-6 });
    await expect(out.params).toBeCloseTree({ w: ref.w, b: ref.b }, { rtol: 1e-6, atol: 1e-6 });
    await expect(out.optState.count).toBeCloseTensor(1);
    expect(p0.w.isDisposed && p0.b.isDisposed && s0.count.isDisposed).toBe(true);
    expect(x.isDisposed || y.isDisposed).toBe(false);
    tree.dispose([out.params as Tree, out.optState, out.loss, x, y]);
  });

  it('maximize climbs the objective (gradients negated), reporting the objective', async () => {
    const x = tf.tensor1d(xs);
    const y = tf.tensor1d(ys);
    const negMse = (p: Lin, xx: tf.Tensor, yy: tf.Tensor): tf.Scalar => tf.tidy(() => tf.neg(mse(p, xx, yy)));
    const opt = tinySgd(0.05);
    const step = makeTrainStep(negMse, opt, { maximize: true });
    let params: Lin = { w: tf.scalar(0), b: tf.scalar(0) };
    let state = opt.init(params);
    const objectives: number[] = [];
    for (let i = 0; i < 200; i++) {
      const out = step(params, state, x, y);
      ({ params, optState: state } = out);
      objectives.push((await toFloat64Array(out.loss))[0]!);
      out.loss.dispose();
    }
    // Ascending −mse with step 0.05 is descending mse with step 0.05: the float64 recurrence.
    const ref = sgdReference(0.05, 200);
    objectives.forEach((o, i) => expect(o).toBeCloseTo(-ref.losses[i]!, 5));
    expect(objectives[199]!).toBeGreaterThan(objectives[0]!);
    await expect(params).toBeCloseTree({ w: ref.w, b: ref.b }, { rtol: 1e-5, atol: 1e-5 });
    tree.dispose([params as Tree, state, x, y]);
  });

  it('passes aux through with hasAux', async () => {
    const x = tf.tensor1d(xs);
    const y = tf.tensor1d(ys);
    const opt = tinySgd(0.1);
    const withAux = (p: Lin, xx: tf.Tensor, yy: tf.Tensor) => {
      const pred = tf.add(tf.mul(xx, p.w), p.b);
      return [tf.mean(tf.square(tf.sub(pred, yy))), { pred }] as const;
    };
    const step = makeTrainStep(withAux, opt, { hasAux: true });
    const p0: Lin = { w: tf.scalar(1), b: tf.scalar(0) };
    const out = step(p0, opt.init(p0), x, y);
    await expect(out.aux.pred).toBeCloseTensor(xs);
    tree.dispose([out.params as Tree, out.optState, out.loss, out.aux.pred, x, y]);
  });

  it('a 1,000-step Adam loop leaves only the final params and state behind', async () => {
    const x = tf.tensor1d(xs);
    const y = tf.tensor1d(ys);
    const opt = adam(1e-2);
    const step = makeTrainStep(mse, opt);
    const before = tf.memory().numTensors;
    let params: Lin = { w: tf.scalar(0), b: tf.scalar(0) };
    let state = opt.init(params);
    const firstT = mse(params, x, y);
    const first = (await toFloat64Array(firstT))[0]!;
    firstT.dispose();
    for (let i = 0; i < 1000; i++) {
      const out = step(params, state, x, y);
      ({ params, optState: state } = out);
      out.loss.dispose();
    }
    const last = tf.tidy(() => mse(params, x, y));
    expect((await toFloat64Array(last))[0]!).toBeLessThan(first / 10);
    last.dispose();
    tree.dispose([params as Tree, state]);
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose([x, y]);
  });

  it('leaves its inputs intact when the optimizer throws, and rejects bad arguments', async () => {
    const bad: GradientTransformation = {
      init: () => ({}),
      update: () => {
        throw new Error('boom');
      },
    };
    const step = makeTrainStep((p: { w: tf.Tensor }) => tf.sum(tf.square(p.w)), bad);
    const p = { w: tf.tensor1d([1, 2]) };
    await expectNoLeaks(() => {
      expect(() => step(p, {})).toThrow(/boom/);
    });
    expect(p.w.isDisposed).toBe(false);
    p.w.dispose();
    expect(() => makeTrainStep('f' as never, tinySgd(1))).toThrow(/'lossFn' must be a function/);
    expect(() => makeTrainStep(() => tf.scalar(0), {} as never)).toThrow(/'optimizer' must be a GradientTransformation/);
    expect(() => makeTrainStep(() => tf.scalar(0), tinySgd(1), { maximize: 1 as never })).toThrow(/'maximize' must be a boolean/);
  });
});

describe('fit', () => {
  it('reduces a loss along the float64 SGD trajectory, reading every loss back', async () => {
    const x = tf.tensor1d(xs);
    const y = tf.tensor1d(ys);
    const params: Lin = { w: tf.scalar(0), b: tf.scalar(0) };
    const seen: number[] = [];
    const lines: string[] = [];
    const r = await fit(mse, tinySgd(0.1), params, {
      steps: 120,
      data: () => [x, y],
      readLossEvery: 7,
      onStep: (i) => seen.push(i),
      logEvery: 50,
      log: (m) => lines.push(m),
    });
    const ref = sgdReference(0.1, 120);
    expect(r.losses).toHaveLength(120);
    Array.from(r.losses).forEach((l, i) => expect(l).toBeCloseTo(ref.losses[i]!, 5));
    expect(r.losses[119]!).toBeLessThan(r.losses[0]! / 10);
    await expect(r.params).toBeCloseTree({ w: ref.w, b: ref.b }, { rtol: 1e-5, atol: 1e-5 });
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => i));
    // Window means as the notebooks log them: step 0 alone, then the 50 steps since the last line.
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^step 0: mean loss .* over 1 step$/);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Number(/mean loss (\S+)/.exec(lines[1]!)![1])).toBeCloseTo(mean(ref.losses.slice(1, 51)), 4);
    expect(params.w.isDisposed).toBe(false); // fit never disposes its inputs
    tree.dispose([r.params as Tree, r.optState, params as Tree, x, y]);
  });

  it('maximize climbs; an iterable that runs out ends early; disposeData frees fresh batches', async () => {
    const x = tf.tensor1d(xs);
    const y = tf.tensor1d(ys);
    const params: Lin = { w: tf.scalar(0), b: tf.scalar(0) };
    const batches = Array.from({ length: 30 }, () => [x, y] as [tf.Tensor, tf.Tensor]);
    const r = await fit((p: Lin, xx: tf.Tensor, yy: tf.Tensor) => tf.neg(mse(p, xx, yy)), adam(0.05), params, {
      steps: 100,
      data: batches,
      maximize: true,
    });
    expect(r.losses).toHaveLength(30);
    expect(r.losses[29]!).toBeGreaterThan(r.losses[0]!);
    tree.dispose([r.params as Tree, r.optState]);

    const before = tf.memory().numTensors;
    const r2 = await fit(mse, adam(0.05), params, { steps: 20, data: () => [tf.tensor1d(xs), tf.tensor1d(ys)], disposeData: true });
    tree.dispose([r2.params as Tree, r2.optState]);
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose([params as Tree, x, y]);
  });

  it('leaves nothing behind (also with zero steps and a given optState), and rejects bad options', async () => {
    const x = tf.tensor1d(xs);
    const y = tf.tensor1d(ys);
    const params: Lin = { w: tf.scalar(0), b: tf.scalar(0) };
    const opt = adam(1e-2);
    await expectNoLeaks(() => fit(mse, opt, params, { steps: 1000, data: () => [x, y], readLossEvery: 100 }));
    await expectNoLeaks(() => fit(mse, opt, params, { steps: 0 }));
    const s0 = opt.init(params);
    await expectNoLeaks(() => fit(mse, opt, params, { steps: 3, data: () => [x, y], optState: s0 }));
    expect(tree.leaves(s0).every((t) => !(t as tf.Tensor).isDisposed)).toBe(true);
    await expectNoLeaks(async () => {
      await expect(fit(() => tf.ones([2]), opt, params, { steps: 3 })).rejects.toThrow(/shape/);
    });
    await expect(fit(mse, opt, params, { steps: -1 })).rejects.toThrow(/'steps' must be an integer ≥ 0, got -1/);
    await expect(fit(mse, opt, params, { steps: 1, readLossEvery: 0 })).rejects.toThrow(/readLossEvery/);
    await expect(fit(mse, opt, params, { steps: 1, data: 3 as never })).rejects.toThrow(/'data' must be/);
    tree.dispose([params as Tree, s0, x, y]);
  });
});

describe('fit callbacks', () => {
  it('an error thrown by onStep rejects fit and leaves nothing behind', async () => {
    const params = { w: tf.scalar(1) };
    await expectNoLeaks(async () => {
      await expect(
        fit((p: { w: tf.Tensor }) => tf.square(p.w), tinySgd(0.1), params, {
          steps: 20,
          readLossEvery: 3,
          onStep: (i) => {
            if (i === 4) throw new Error('stop at 4');
          },
        }),
      ).rejects.toThrow(/stop at 4/);
    });
    params.w.dispose();
  });
});
