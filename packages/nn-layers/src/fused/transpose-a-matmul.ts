import * as tf from '@tensorflow/tfjs-core';
import { hasKernel, registerWasmHeapKernel, type WasmHeapKernel } from '@probdl/tensor-backend';
import { TRANSPOSE_A_MATMUL_WASM } from './transpose-a-matmul-module.js';

const KERNEL = 'ProbdlTransposeAMatMul';

/**
 * xᵀ · d and the column sums of d, on tfjs-wasm's heap by a WebAssembly SIMD module of our own
 * (asm/transpose-a-matmul.ts): a dense layer's weight and bias gradients in one kernel. tfjs-wasm's
 * matMul has no fast transposed operand, so the same product there costs an explicit transpose of
 * x, XNNPACK packing all of d as "weights" (d is new every step, so its operator cache never hits),
 * the product, and a second packing of d for 1ᵀ · d: 2.7 ms against 1.4 ms here for the
 * cluster-mass network's four layers at batch 512 (bench/profile-step.ts).
 */
const kernel: WasmHeapKernel = {
  kernelName: KERNEL,
  inputNames: ['x', 'd'],
  module: Uint8Array.from(atob(TRANSPOSE_A_MATMUL_WASM), (c) => c.charCodeAt(0)),
  outputShapes: ([x, d]) => [
    [x!.shape[1]!, d!.shape[1]!],
    [d!.shape[1]!],
  ],
  run(exports, [x, d], [c, db], [xi, di]) {
    const [n, m] = xi!.shape as [number, number];
    const p = di!.shape[1]!;
    (exports.transposeAMatMul as (x: number, d: number, c: number, db: number, n: number, m: number, p: number) => void)(x!, d!, c!, db!, n, m, p);
  },
};

let registered: boolean | undefined;

/** Whether {@link transposeAMatMulWithColumnSums} runs on the active backend (wasm with SIMD); registers the kernel once. */
export function transposeAMatMulAvailable(): boolean {
  registered ??= registerWasmHeapKernel(kernel);
  return registered && hasKernel(KERNEL);
}

/** [xᵀ · d `[m, p]`, Σ_rows d `[p]`] for x `[n, m]` and d `[n, p]` (float32), on wasm; see {@link transposeAMatMulAvailable}. */
export function transposeAMatMulWithColumnSums(x: tf.Tensor2D, d: tf.Tensor2D): [tf.Tensor2D, tf.Tensor1D] {
  if (x.rank !== 2 || d.rank !== 2 || x.shape[0] !== d.shape[0]) {
    throw new RangeError(`transposeAMatMulWithColumnSums: x [n, m] and d [n, p] must have the same rows, got x [${x.shape.join(', ')}] and d [${d.shape.join(', ')}]`);
  }
  return tf.engine().runKernel(KERNEL, { x, d }) as unknown as [tf.Tensor2D, tf.Tensor1D];
}
