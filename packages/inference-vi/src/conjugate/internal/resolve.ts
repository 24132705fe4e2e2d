import * as tf from '@tensorflow/tfjs-core';
import type { BlrOptions, DesignInput, VectorInput } from '../types.js';
import { checkAlphaValues } from './validate.js';
import { designToHost, designToTensor, vectorToHost, vectorToTensor } from './inputs.js';
import { checkFinite } from './host-algebra.js';
import type { MatrixF64 } from '@probdl/tensor-backend';
import type { DeviceBlrInputs } from './device-algebra.js';

/** @internal Host float64 copies of every input of a conjugate regression. */
export interface HostBlrInputs {
  phi: MatrixF64;
  y: Float64Array;
  alpha: Float64Array;
  priorMean: Float64Array | undefined;
}

/** @internal Reads Φ, y, α and m₀ to float64 and checks them for NaN/Inf and α > 0. */
export async function hostInputs(phi: DesignInput, y: VectorInput, options: BlrOptions, d: number, fn: string): Promise<HostBlrInputs> {
  const [p, yv] = await Promise.all([designToHost(phi), vectorToHost(y)]);
  checkFinite(p.data, 'phi', fn, p.cols);
  checkFinite(yv, 'y', fn);
  const alpha = await alphaToHost(options.alpha, d);
  checkAlphaValues(alpha, fn);
  const priorMean = options.priorMean === undefined ? undefined : await vectorToHost(options.priorMean);
  if (priorMean !== undefined) checkFinite(priorMean, 'priorMean', fn);
  return { phi: p, y: yv, alpha, priorMean };
}

/** @internal α as one float64 value per feature. */
export async function alphaToHost(alpha: BlrOptions['alpha'], d: number): Promise<Float64Array> {
  if (alpha === undefined) return new Float64Array(d).fill(1);
  if (typeof alpha === 'number') return new Float64Array(d).fill(alpha);
  return vectorToHost(alpha);
}

/** @internal Fresh float32 tensors of every input (the caller disposes them with `disposeDeviceInputs`). */
export function deviceInputs(phi: DesignInput, y: VectorInput, options: BlrOptions): DeviceBlrInputs {
  const alpha = options.alpha ?? 1;
  return {
    phi: designToTensor(phi),
    y: vectorToTensor(y),
    alpha: typeof alpha === 'number' ? tf.scalar(alpha, 'float32') : vectorToTensor(alpha),
    noiseVariance: tf.scalar(options.noiseVariance ?? 1, 'float32'),
    priorMean: options.priorMean === undefined ? undefined : vectorToTensor(options.priorMean),
  };
}

/** @internal Disposes what {@link deviceInputs} made. */
export function disposeDeviceInputs(inp: DeviceBlrInputs): void {
  tf.dispose([inp.phi, inp.y, inp.alpha, inp.noiseVariance]);
  if (inp.priorMean !== undefined) inp.priorMean.dispose();
}
