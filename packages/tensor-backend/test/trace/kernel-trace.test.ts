import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { traceKernels, valueAndGrad } from '../../src/index.js';

// Replay must give exactly what tfjs computes (the same kernels on the same inputs), for a
// function with a gradient, broadcasting, reshapes and reductions; on WebGPU it must decline.

const onHost = () => ['cpu', 'wasm'].includes(tf.getBackend());

/** A small network's log density and its gradient, per row of x `[C, 4]`: [logp [C], grad [C, 4]]. */
function densityAndGrad(x: tf.Tensor): tf.Tensor[] {
  let perRow: tf.Tensor | undefined;
  const [, g] = valueAndGrad((w: tf.Tensor) => {
    const inputs = tf.tensor2d([-2, -1, 1, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [4, 4]);
    const a = tf.matMul(w, inputs);
    const scale = tf.reshape(tf.slice(w, [0, 2], [-1, 1]), [-1, 1]);
    const f = tf.add(tf.mul(scale, tf.relu(a)), tf.expandDims(tf.gather(w, 3, 1), 1));
    const r = tf.sub(tf.tensor1d([-2, -1, 1, 2]), f);
    const lp = tf.add(tf.mul(-0.5, tf.sum(tf.square(r), -1)), tf.mul(-0.025, tf.sum(tf.square(w), -1)));
    perRow = tf.keep(lp.clone());
    return tf.sum(lp);
  })(x);
  return [perRow!, g as tf.Tensor];
}

function direct(fn: (x: tf.Tensor) => tf.Tensor[], values: Float32Array, shape: number[]) {
  const x = tf.tensor(values, shape);
  const out = tf.tidy(() => fn(x));
  const v = out.map((t) => t.dataSync().slice());
  tf.dispose([x, ...out]);
  return v;
}

const rows = (c: number, seed: number) => Float32Array.from({ length: c * 4 }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 2);

describe('traceKernels on this backend', () => {
  it('replays bit for bit what tfjs computes, per shape, with no leaks', () => {
    const trace = traceKernels(densityAndGrad);
    const tensorsBefore = tf.memory().numTensors;
    if (!onHost()) {
      expect(trace.run(rows(3, 1), [3, 4])).toBeNull();
      expect(trace.unreplayableReason).toMatch(/cpu and wasm/);
      trace.dispose();
      return;
    }
    for (const [c, seed] of [[5, 1], [5, 2], [5, 3], [17, 4], [5, 5], [1, 6]] as const) {
      const values = rows(c, seed);
      const got = trace.run(values, [c, 4]);
      expect(got).not.toBeNull();
      const want = direct(densityAndGrad, values, [c, 4]);
      expect(got!.length).toBe(2);
      expect(Array.from(got![0]!)).toEqual(Array.from(want[0]!));
      expect(Array.from(got![1]!)).toEqual(Array.from(want[1]!));
    }
    expect(trace.numPrograms).toBe(3);
    // The programs hold their constants as tensors; replays themselves leave nothing behind.
    const held = tf.memory().numTensors;
    const numDataIds = tf.backend().numDataIds();
    for (let i = 0; i < 5; i++) trace.run(rows(5, 10 + i), [5, 4]);
    expect(tf.memory().numTensors).toBe(held);
    expect(tf.backend().numDataIds()).toBe(numDataIds);
    trace.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(() => trace.run(rows(5, 1), [5, 4])).toThrow(/after dispose/);
  });

  it('folds the calls on constants alone and drops those whose results are not returned', () => {
    if (!onHost()) return;
    const before = tf.memory().numTensors;
    const fn = (x: tf.Tensor) => {
      const unused = tf.exp(x);
      const scale = tf.mul(tf.ones([4]), tf.scalar(3)); // constants only: folded
      return [tf.add(tf.reshape(tf.clone(x), [2, 4]), scale), unused.shape.length > 5 ? unused : tf.neg(x)];
    };
    const trace = traceKernels(fn);
    const values = rows(2, 3);
    const got = trace.run(values, [2, 4])!;
    // Add and Neg are left: the clone and the reshape reuse x, the exp is never returned.
    expect(trace.kernelsPerRun([2, 4])).toBe(2);
    expect(trace.kernelsPerRun([3, 4])).toBeUndefined();
    const again = trace.run(values, [2, 4])!;
    const want = direct(fn, values, [2, 4]);
    for (const out of [got, again]) out.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(want[i]!)));
    trace.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('drops the program run least recently when it holds maxPrograms', () => {
    if (!onHost()) return;
    const before = tf.memory().numTensors;
    const trace = traceKernels(densityAndGrad, { maxPrograms: 2 });
    for (const c of [1, 2, 3, 1]) trace.run(rows(c, c), [c, 4]);
    expect(trace.numPrograms).toBe(2);
    trace.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('restores the kernel registry and leaks nothing when fn throws', () => {
    if (!onHost()) return;
    const before = tf.memory().numTensors;
    const add = tf.getKernel('Add', tf.getBackend())!.kernelFunc;
    const trace = traceKernels((x) => {
      tf.add(x, 1).dispose();
      throw new Error('boom');
    });
    expect(() => trace.run(rows(2, 1), [2, 4])).toThrow('boom');
    expect(tf.getKernel('Add', tf.getBackend())!.kernelFunc).toBe(add);
    trace.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('declines functions that read values or use variables, and says why', () => {
    if (!onHost()) return;
    const before = tf.memory().numTensors;
    const reads = traceKernels((x) => {
      const s = tf.sum(x);
      const positive = s.dataSync()[0]! > 0;
      s.dispose();
      return positive ? tf.mul(x, 2) : tf.neg(x);
    });
    expect(reads.run(rows(2, 1), [2, 4])).toBeNull();
    expect(reads.unreplayableReason).toMatch(/reads tensor values/);
    expect(reads.run(rows(2, 1), [2, 4])).toBeNull();
    const init = tf.ones([4]);
    const v = tf.variable(init);
    init.dispose();
    const usesVariable = traceKernels((x) => tf.mul(x, v));
    expect(usesVariable.run(rows(2, 1), [2, 4])).toBeNull();
    expect(usesVariable.unreplayableReason).toMatch(/tf.Variable/);
    reads.dispose();
    usesVariable.dispose();
    v.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('declines a kernel that hands back its input without a reference of its own', () => {
    if (!onHost()) return;
    const backendName = tf.getBackend();
    tf.registerKernel({ kernelName: 'ProbdlTestPassThrough', backendName, kernelFunc: ({ inputs }) => inputs.x as tf.TensorInfo });
    try {
      const trace = traceKernels((x) => tf.add(tf.engine().runKernel('ProbdlTestPassThrough', { x: tf.mul(x, 2) }) as tf.Tensor, 1));
      expect(trace.run(rows(2, 1), [2, 4])).toBeNull();
      expect(trace.unreplayableReason).toMatch(/ProbdlTestPassThrough kernel returns its input/);
      trace.dispose();
    } finally {
      tf.unregisterKernel('ProbdlTestPassThrough', backendName);
    }
  });

  it('replays int32 outputs, the input returned as it is and a constant output', () => {
    if (!onHost()) return;
    const before = tf.memory().numTensors;
    const fn = (x: tf.Tensor) => [tf.argMax(x, 1), x, tf.tensor1d([7, 8]), tf.cast(x, 'float32')];
    const trace = traceKernels(fn);
    for (const seed of [1, 2]) {
      const values = rows(3, seed);
      const got = trace.run(values, [3, 4])!;
      const want = direct(fn, values, [3, 4]);
      expect(got[0]).toBeInstanceOf(Int32Array);
      got.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(want[i]!)));
    }
    trace.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the argument that is wrong', () => {
    expect(() => traceKernels(3 as never)).toThrow(/fn must be a function/);
    expect(() => traceKernels((x) => x, { maxPrograms: 0 })).toThrow(/maxPrograms/);
    const trace = traceKernels((x) => x);
    expect(() => trace.run(new Float32Array(5), [2, 3])).toThrow(/5 values, shape \[2, 3\] needs 6/);
    expect(() => trace.run([1, 2] as never, [2])).toThrow(/Float32Array/);
    trace.dispose();
  });
});
