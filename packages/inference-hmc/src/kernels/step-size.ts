import * as tf from '@tensorflow/tfjs-core';
import type { StepSize } from '../types.js';

/**
 * Per-chain step sizes as a fresh `[C, 1]` float32 tensor: one number for every chain, or a
 * Float64Array with one entry per chain.
 *
 * @throws RangeError naming `stepSize` when an entry is not finite and positive, or the array
 *   length is not `numChains`.
 */
export function stepSizeColumn(stepSize: StepSize, numChains: number): tf.Tensor {
  if (typeof stepSize === 'number') {
    if (!(Number.isFinite(stepSize) && stepSize > 0)) throw new RangeError(`stepSize: must be finite and positive, got ${stepSize}`);
    return tf.fill([numChains, 1], stepSize);
  }
  if (stepSize.length !== numChains) throw new RangeError(`stepSize: expected one step size per chain (${numChains}), got ${stepSize.length}`);
  const bad = stepSize.findIndex((e) => !(Number.isFinite(e) && e > 0));
  if (bad >= 0) throw new RangeError(`stepSize: must be finite and positive, got stepSize[${bad}] = ${stepSize[bad]}`);
  return tf.tensor2d(Float32Array.from(stepSize), [numChains, 1]);
}
