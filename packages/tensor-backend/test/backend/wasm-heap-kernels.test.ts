import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@probdl/vitest-config/matchers';
import { describe, expect, it } from 'vitest';
import { hasKernel, registerWasmHeapKernel, type WasmHeapKernel } from '../../src/index.js';

/*
 * A 114-byte module compiled by AssemblyScript 0.28 (`asc -O3 --runtime stub --importMemory
 * --use abort= --noAssert`) from
 *   export function axpb(x: usize, out: usize, n: i32, a: f32, b: f32): void {
 *     for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), a * load<f32>(x + (<usize>i << 2)) + b);
 *   }
 * It imports env.memory, so it runs on tfjs-wasm's heap.
 */
const AXPB = Uint8Array.from(
  atob('AGFzbQEAAAABCQFgBX9/f319AAIPAQNlbnYGbWVtb3J5AgAAAwIBAAcRAgRheHBiAAAGbWVtb3J5AgAKNQEzAQJ/A0AgAiAFSgRAIAVBAnQiBiABaiADIAAgBmoqAgCUIASSOAIAIAVBAWohBQwBCwsL'),
  (c) => c.charCodeAt(0),
);

const kernel: WasmHeapKernel = {
  kernelName: 'ProbdlTestWasmAxpb',
  inputNames: ['x'],
  module: AXPB,
  outputShapes: ([x]) => [x!.shape],
  run(exports, [x], [out], [info], attrs) {
    const n = info!.shape.reduce((a, b) => a * b, 1);
    (exports.axpb as (x: number, out: number, n: number, a: number, b: number) => void)(x!, out!, n, attrs.a as number, attrs.b as number);
  },
};

describe('registerWasmHeapKernel', () => {
  it('registers for wasm only, once', () => {
    expect(registerWasmHeapKernel(kernel)).toBe(true);
    expect(registerWasmHeapKernel(kernel)).toBe(true);
    expect(hasKernel('ProbdlTestWasmAxpb', 'wasm')).toBe(true);
    expect(hasKernel('ProbdlTestWasmAxpb', 'cpu')).toBe(false);
    expect(hasKernel('ProbdlTestWasmAxpb')).toBe(tf.getBackend() === 'wasm');
  });

  it('refuses, with an error, a module whose data segments would be written over the heap', () => {
    // AssemblyScript 0.28, same flags, from
    //   const TABLE: StaticArray<f64> = [1.5, 2.5, 3.5];
    //   export function pick(i: i32): f64 { return TABLE[i]; }
    // which places TABLE in a data segment at a fixed address.
    const withData = Uint8Array.from(
      atob('AGFzbQEAAAABBgFgAX8BfAIPAQNlbnYGbWVtb3J5AgABAwIBAAcRAgRwaWNrAAAGbWVtb3J5AgAMAQEKIAEeACAAQZwIKAIAQQN2TwRAAAsgAEEDdEGgCGorAwALCzcBAEGMCAswLAAAAAAAAAAAAAAABAAAABgAAAAAAAAAAAD4PwAAAAAAAARAAAAAAAAADEAAAAAA'),
      (c) => c.charCodeAt(0),
    );
    expect(WebAssembly.validate(withData)).toBe(true);
    expect(() => registerWasmHeapKernel({ ...kernel, kernelName: 'ProbdlTestWasmData', module: withData })).toThrow(/ProbdlTestWasmData has data segments/);
    expect(hasKernel('ProbdlTestWasmData', 'wasm')).toBe(false);
  });

  it('refuses a module this runtime cannot compile', () => {
    expect(registerWasmHeapKernel({ ...kernel, kernelName: 'ProbdlTestWasmBroken', module: new Uint8Array([0, 97, 115, 109, 9, 9]) })).toBe(false);
    expect(hasKernel('ProbdlTestWasmBroken', 'wasm')).toBe(false);
  });

  it('runs on the wasm heap in place (a * x + b per element), and leaks nothing; elsewhere it is absent', async () => {
    registerWasmHeapKernel(kernel);
    if (tf.getBackend() !== 'wasm') {
      const z = tf.ones([2]);
      expect(() => tf.engine().runKernel('ProbdlTestWasmAxpb', { x: z }, { a: 1, b: 0 })).toThrow(/ProbdlTestWasmAxpb/);
      z.dispose();
      return;
    }
    const x = tf.tensor2d([
      [1, -2, 3.5],
      [0.25, 5, -6],
    ]);
    const out = tf.engine().runKernel('ProbdlTestWasmAxpb', { x }, { a: 2, b: 0.5 }) as tf.Tensor;
    expect(out.shape).toEqual([2, 3]);
    expect(Array.from(await out.data())).toEqual([2.5, -3.5, 7.5, 1, 10.5, -11.5]);
    // A heap that grows between calls keeps the instance working (offsets stay valid).
    const big = tf.zeros([4_000_000]);
    const again = tf.engine().runKernel('ProbdlTestWasmAxpb', { x }, { a: -1, b: 0 }) as tf.Tensor;
    expect(Array.from(await again.data())).toEqual([-1, 2, -3.5, -0.25, -5, 6]);
    tf.dispose([x, out, big, again]);
    const y = tf.ones([100]);
    await expectNoLeaks(() => tf.engine().runKernel('ProbdlTestWasmAxpb', { x: y }, { a: 1, b: 1 }) as tf.Tensor);
    y.dispose();
  });

  it('rejects a non-float32 input by name (on wasm; elsewhere the kernel is absent)', () => {
    registerWasmHeapKernel(kernel);
    const x = tf.tensor1d([1, 2], 'int32');
    const message = tf.getBackend() === 'wasm' ? /input 'x' must be float32, got int32/ : /ProbdlTestWasmAxpb/;
    expect(() => tf.engine().runKernel('ProbdlTestWasmAxpb', { x }, { a: 1, b: 0 })).toThrow(message);
    x.dispose();
  });
});
