import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { hasKernel, registerHostKernel, type HostKernel } from '../../src/index.js';

// A host kernel with two inputs (float32 and int32) and two outputs, run on this backend where it
// can run (cpu, wasm); on WebGPU it must say it is not there.

const axpb: HostKernel = {
  kernelName: 'ProbdlTestAxpb',
  inputNames: ['x', 'b'],
  outputShapes: ([x]) => [x!.shape, [1]],
  compute([x, b], [out, total], attrs) {
    const a = attrs.a as number;
    let s = 0;
    for (let i = 0; i < out!.length; i++) {
      out![i] = a * x![i]! + b![0]!;
      s += out![i]!;
    }
    total![0] = s;
  },
};

const onHost = () => ['cpu', 'wasm'].includes(tf.getBackend());

describe('registerHostKernel on this backend', () => {
  it('registers for cpu and wasm, once (a second call is a no-op)', () => {
    registerHostKernel(axpb);
    registerHostKernel(axpb);
    expect(hasKernel('ProbdlTestAxpb', 'cpu')).toBe(true);
    expect(hasKernel('ProbdlTestAxpb', 'wasm')).toBe(true);
    expect(hasKernel('ProbdlTestAxpb', 'webgpu')).toBe(false);
    expect(hasKernel('ProbdlTestAxpb')).toBe(onHost());
  });

  it('runs with several outputs, int32 inputs and attrs (and is absent elsewhere)', async () => {
    registerHostKernel(axpb);
    if (!onHost()) {
      const y = tf.ones([2]);
      const c = tf.tensor1d([1], 'int32');
      expect(() => tf.engine().runKernel('ProbdlTestAxpb', { x: y, b: c }, { a: 1 })).toThrow(/ProbdlTestAxpb/);
      tf.dispose([y, c]);
      return;
    }
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tf.tensor1d([10], 'int32');
    const [out, total] = tf.engine().runKernel('ProbdlTestAxpb', { x, b }, { a: 2 }) as tf.Tensor[];
    expect(out!.shape).toEqual([2, 3]);
    expect(out!.dtype).toBe('float32');
    expect(Array.from(await out!.data())).toEqual([12, 14, 16, 18, 20, 22]);
    expect(Array.from(await total!.data())).toEqual([102]);
    tf.dispose([x, b, out!, total!]);
  });

  it('does not leak: its outputs are ordinary tensors that tidy frees', async () => {
    registerHostKernel(axpb);
    const x = tf.ones([1000]);
    const b = tf.tensor1d([1], 'int32');
    if (!onHost()) {
      // Elsewhere the failed call leaves nothing behind either.
      const before = tf.memory().numTensors;
      expect(() => tf.engine().runKernel('ProbdlTestAxpb', { x, b }, { a: 3 })).toThrow();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, b]);
      return;
    }
    await expectNoLeaks(() => tf.engine().runKernel('ProbdlTestAxpb', { x, b }, { a: 3 }) as tf.Tensor[]);
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      tf.engine().runKernel('ProbdlTestAxpb', { x, b }, { a: 3 });
    });
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x, b]);
  });

  it('names a missing input (elsewhere: the kernel)', () => {
    registerHostKernel(axpb);
    const x = tf.ones([2]);
    expect(() => tf.engine().runKernel('ProbdlTestAxpb', { x }, { a: 1 })).toThrow(onHost() ? /ProbdlTestAxpb: missing input 'b'/ : /ProbdlTestAxpb/);
    x.dispose();
  });
});
