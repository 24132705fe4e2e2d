import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Central finite differences of a float64 host function: the reference that device gradients
 * (float32, tfjs autodiff or hand-written) are checked against.
 */
export function finiteDifferenceGradients(f: (inputs: Float64Array[]) => number, inputs: readonly Float64Array[], h = 1e-6): Float64Array[] {
  const work = inputs.map((a) => Float64Array.from(a));
  return work.map((arr) => {
    const g = new Float64Array(arr.length);
    for (let i = 0; i < arr.length; i++) {
      const x0 = arr[i]!;
      arr[i] = x0 + h;
      const fp = f(work);
      arr[i] = x0 - h;
      const fm = f(work);
      arr[i] = x0;
      g[i] = (fp - fm) / (2 * h);
    }
    return g;
  });
}

/**
 * Checks the tfjs gradient of `deviceFn` (a scalar of tensors) against finite differences of
 * `hostFn` (the same function in float64 on the host) at `inputs` (values + shapes). The tolerance
 * is float32's: |g − g_ref| ≤ atol + rtol·|g_ref|.
 */
export async function expectGradientsMatchHost(
  deviceFn: (...xs: tf.Tensor[]) => tf.Scalar,
  hostFn: (inputs: Float64Array[]) => number,
  inputs: readonly { values: Float64Array; shape: number[] }[],
  tol: { rtol?: number; atol?: number } = {},
): Promise<void> {
  const rtol = tol.rtol ?? 2e-3;
  const atol = tol.atol ?? 2e-4;
  const tensors = inputs.map((i) => tf.tensor(Float32Array.from(i.values), i.shape));
  // Evaluate the host reference at the float32-rounded inputs the device sees.
  const rounded = inputs.map((i) => Float64Array.from(Float32Array.from(i.values)));
  const grads = tf.grads((...xs: tf.Tensor[]) => deviceFn(...xs))(tensors);
  const got = await Promise.all(grads.map(async (g) => Float64Array.from(await g.data())));
  tf.dispose([...tensors, ...grads]);
  const want = finiteDifferenceGradients(hostFn, rounded);
  want.forEach((w, k) => {
    const g = got[k]!;
    expect(g.length).toBe(w.length);
    for (let i = 0; i < w.length; i++) {
      const err = Math.abs(g[i]! - w[i]!);
      if (err > atol + rtol * Math.abs(w[i]!)) {
        throw new Error(`input ${k}, element ${i}: gradient ${g[i]} vs finite difference ${w[i]} (|err| ${err.toExponential(2)})`);
      }
    }
  });
}
