import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { valueAndGrad } from '@probdl/tensor-backend';

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

type HostInputs = readonly { values: Float64Array; shape: number[] }[];
type Tolerance = { rtol?: number; atol?: number };

/**
 * The comparison both checks below share: builds float32 tensors from `inputs`, takes their
 * gradients with `gradientsAt`, and compares each element with finite differences of `hostFn`
 * (evaluated at the float32-rounded inputs): |g − g_ref| ≤ atol + rtol·|g_ref|.
 */
async function expectDeviceGradientsMatchHost(
  gradientsAt: (tensors: tf.Tensor[]) => tf.Tensor[],
  hostFn: (inputs: Float64Array[]) => number,
  inputs: HostInputs,
  tol: Tolerance,
): Promise<void> {
  const rtol = tol.rtol ?? 2e-3;
  const atol = tol.atol ?? 2e-4;
  const tensors = inputs.map((i) => tf.tensor(Float32Array.from(i.values), i.shape));
  // Evaluate the host reference at the float32-rounded inputs the device sees.
  const rounded = inputs.map((i) => Float64Array.from(Float32Array.from(i.values)));
  const grads = gradientsAt(tensors);
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

/**
 * Checks the tfjs gradient of `deviceFn` (a scalar of tensors) against finite differences of
 * `hostFn` (the same function in float64 on the host) at `inputs` (values + shapes). The tolerance
 * is float32's: |g − g_ref| ≤ atol + rtol·|g_ref|.
 */
export async function expectGradientsMatchHost(
  deviceFn: (...xs: tf.Tensor[]) => tf.Scalar,
  hostFn: (inputs: Float64Array[]) => number,
  inputs: HostInputs,
  tol: Tolerance = {},
): Promise<void> {
  await expectDeviceGradientsMatchHost((tensors) => tf.grads((...xs: tf.Tensor[]) => deviceFn(...xs))(tensors), hostFn, inputs, tol);
}

/**
 * expectGradientsMatchHost with tensor-backend's valueAndGrad instead of tf.grads: tfjs's own
 * tape has no gradient for the comparisons inside `tf.where` that stable formulas use (the KL
 * table's numerics), which valueAndGrad handles. Same tolerance rule: |g − g_ref| ≤ atol + rtol·|g_ref|.
 */
export async function expectTreeGradientsMatchHost(
  deviceFn: (xs: tf.Tensor[]) => tf.Scalar,
  hostFn: (inputs: Float64Array[]) => number,
  inputs: HostInputs,
  tol: Tolerance = {},
): Promise<void> {
  await expectDeviceGradientsMatchHost(
    (tensors) => {
      const [value, grads] = valueAndGrad((xs: tf.Tensor[]) => deviceFn(xs))(tensors);
      value.dispose();
      return grads;
    },
    hostFn,
    inputs,
    tol,
  );
}
