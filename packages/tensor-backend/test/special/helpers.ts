import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { loadReference, refNumber } from '@probdl/vitest-config/reference';

export const backend = process.env.PROBDL_BACKEND ?? 'cpu';
export const onWebGpu = backend === 'webgpu';

/** Largest finite float32, smallest normal float32, and the float32 unit roundoff 2^-24. */
export const F32_MAX = 3.4028234663852886e38;
export const F32_MIN = 1.1754943508222875e-38;
export const U = 2 ** -24;

/**
 * WGSL's accuracy bound for exp(x), (3 + 2|x|) ulp, as a relative error; 0 on cpu and wasm, whose exp is
 * correctly rounded in practice (measured: within 1 ulp). Functions that pass an argument of size |x| to exp
 * get this much extra room on WebGPU, and no more.
 */
export function webGpuExpRoom(arg: number): number {
  return onWebGpu ? (3 + 2 * Math.abs(arg)) * 2 * U : 0;
}

export interface SpecialCase {
  x: unknown;
  value: unknown;
  mp?: unknown;
  [key: string]: unknown;
}

export interface SpecialFunctionRef {
  doc: string;
  cases: SpecialCase[];
  weighted?: Array<{ x: unknown[]; b: number[]; value: unknown; sign: number }>;
}

export interface Reference {
  special_functions: Record<string, SpecialFunctionRef>;
}

export const ref = loadReference<Reference>('scipy-values/reference_values.json');

/** The ground truth of a case: the 50-digit mpmath value where the generator made one, scipy's otherwise. */
export function truth(c: SpecialCase): number {
  return refNumber(c.mp !== undefined && c.mp !== null ? c.mp : c.value);
}

/** The inputs of a case as a list of numbers (scalar functions have one). */
export function inputsOf(c: SpecialCase): number[] {
  return Array.isArray(c.x) ? (c.x as unknown[]).map(refNumber) : [refNumber(c.x)];
}

/**
 * The float32 filter. A case cannot run on the device when
 *  (1) an input is not a normal float32: |x| > 3.4e38 (float32 gives Infinity) or 0 < |x| < 1.18e-38 (float32
 *      flushes or rounds it into the subnormals, a different value class: log1p(1e-300) would become log1p(0));
 *  (2) the true output is finite but beyond the float32 range (expm1(709) = 8.2e307): float32 can only say Infinity;
 *  (3) a function-specific rule, e.g. the input rounds onto a pole in float32 (logit(1 - 1e-10) is logit(1)).
 * Skipped cases are counted by reason and shown in the test name.
 */
export function filterCases(
  cases: SpecialCase[],
  extra?: (inputs: number[], expected: number) => string | undefined,
): { kept: SpecialCase[]; skipped: Record<string, number>; label: string } {
  const kept: SpecialCase[] = [];
  const skipped: Record<string, number> = {};
  for (const c of cases) {
    const xs = inputsOf(c);
    // vector-valued cases (log_softmax) are judged by their largest finite entry
    const e = Array.isArray(c.value)
      ? Math.max(0, ...(c.value as unknown[]).map(refNumber).filter(Number.isFinite).map(Math.abs))
      : truth(c);
    let reason: string | undefined;
    if (xs.some((v) => Number.isFinite(v) && (Math.abs(v) > F32_MAX || (v !== 0 && Math.abs(v) < F32_MIN)))) {
      reason = 'input outside normal float32';
    } else if (Number.isFinite(e) && Math.abs(e) > F32_MAX) {
      reason = 'true output overflows float32';
    } else {
      reason = extra?.(xs, e);
    }
    if (reason === undefined) kept.push(c);
    else skipped[reason] = (skipped[reason] ?? 0) + 1;
  }
  const parts = Object.entries(skipped).map(([r, n]) => `${n} skipped: ${r}`);
  const label = `${kept.length} of ${cases.length} cases${parts.length ? ` (${parts.join('; ')})` : ''}`;
  return { kept, skipped, label };
}

export interface Tolerance {
  /** relative error allowed for the algorithm itself (a few float32 ulps, per function) */
  rtol: number;
  /** absolute floor; results below the smallest normal float32 may flush to 0 on GPUs */
  atol?: number;
  /**
   * |x_j * df/dx_j| summed over the inputs (float64, host): the change of f when each input moves by its float32
   * rounding 2^-24 |x_j|. Added times 2^-24, so ill-conditioned cases are judged against the float32 input's value.
   */
  sensitivity?: (inputs: number[], expected: number) => number;
  /** extra relative room on WebGPU, e.g. webGpuExpRoom(size of the exp argument) */
  webgpu?: (inputs: number[], expected: number) => number;
  /** extra absolute room where the float32 algorithm adds or subtracts larger terms (stated per use) */
  terms?: (inputs: number[], expected: number) => number;
}

/** Allowed absolute error of one case under a tolerance spec. */
export function allowed(tol: Tolerance, inputs: number[], expected: number): number {
  const sens = tol.sensitivity ? Math.abs(tol.sensitivity(inputs, expected)) * U : 0;
  const gpu = tol.webgpu ? tol.webgpu(inputs, expected) * Math.abs(expected) : 0;
  const terms = tol.terms ? Math.abs(tol.terms(inputs, expected)) : 0;
  return (tol.atol ?? F32_MIN) + tol.rtol * Math.abs(expected) + sens + gpu + terms;
}

/** Compares device values with expectations case by case and fails with every offending case listed. */
export function expectWithin(
  label: string,
  got: ArrayLike<number>,
  rows: Array<{ inputs: number[]; expected: number; allowed: number }>,
): void {
  const bad: string[] = [];
  rows.forEach((r, i) => {
    const g = got[i] as number;
    const e = r.expected;
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(g);
    else if (!Number.isFinite(e)) ok = g === e;
    else ok = Number.isFinite(g) && Math.abs(g - e) <= r.allowed;
    if (!ok) {
      bad.push(`${label}(${r.inputs.join(', ')}): got ${g}, expected ${e} (allowed |err| ${r.allowed.toExponential(2)}, err ${Math.abs(g - e).toExponential(2)})`);
    }
  });
  expect(bad, bad.join('\n')).toEqual([]);
}

/** Reads a tensor (async: WebGPU has no synchronous readback) and disposes it. */
export async function read(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

/** A float32 column tensor from a list of numbers (float64 inputs round to float32 here, once). */
export const col = (values: number[]): tf.Tensor1D => tf.tensor1d(values, 'float32');

/** Math.fround for lists. */
export const f32 = (values: number[]): number[] => values.map((v) => Math.fround(v));

/** One ulp as a relative error bound (2^-23: an ulp is between 2^-24 and 2^-23 of the value). */
export const ULP = 2 ** -23;

export type DeviceFn = (...args: tf.Tensor[]) => tf.Tensor;

/** Evaluates an elementwise device function on columns of float32 inputs and reads the result. */
export async function evaluate(fn: DeviceFn, inputs: number[][]): Promise<Float32Array> {
  const arity = (inputs[0] as number[]).length;
  const cols = Array.from({ length: arity }, (_, j) => col(inputs.map((x) => x[j] as number)));
  const out = await read(fn(...cols));
  tf.dispose(cols);
  return out;
}

/** The gradients of sum(fn(inputs...)) with respect to each input column (elementwise partials). */
export async function partials(fn: DeviceFn, inputs: number[][]): Promise<Float32Array[]> {
  const arity = (inputs[0] as number[]).length;
  const cols = Array.from({ length: arity }, (_, j) => col(inputs.map((x) => x[j] as number)));
  const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(fn(...xs)))(cols);
  const out = await Promise.all(grads.map((g) => read(g)));
  tf.dispose(cols);
  return out;
}
