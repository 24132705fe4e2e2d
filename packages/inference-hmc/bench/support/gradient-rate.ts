/**
 * The baseline of every ratio: the raw gradient of the same log density, `logDensityAndGrad`
 * (tensor-backend `valueAndGrad` of the summed batch) at the same batch size, with no sampler.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { key, random } from '@probdl/tensor-backend';
import { logDensityAndGrad } from '../../src/internal/value-and-grad.js';
import type { BenchPosterior } from './posteriors.js';

/** C positions uniform on (-0.5, 0.5) from a fixed key, `[C, D]`. */
export function gradientPositions(p: BenchPosterior, numChains: number): tf.Tensor {
  return random.uniform(key(7), [numChains, p.dim], { minval: -0.5, maxval: 0.5 });
}

/** `calls` batched gradient evaluations ending with one awaited readback. */
export async function gradientCalls(p: BenchPosterior, position: tf.Tensor, calls: number): Promise<void> {
  let last: tf.Tensor | undefined;
  for (let i = 0; i < calls; i++) {
    const { logDensity: lp, grad } = logDensityAndGrad(p.logDensityFn, position);
    lp.dispose();
    last?.dispose();
    last = grad;
  }
  await last!.data();
  last!.dispose();
}

/** Chain-gradient evaluations per second of the raw gradient (batched calls × chains / seconds), measured for at least `minMs`. */
export async function gradientRate(p: BenchPosterior, numChains: number, minMs = 300): Promise<number> {
  const position = gradientPositions(p, numChains);
  try {
    await gradientCalls(p, position, 1);
    let calls = 0;
    const t0 = performance.now();
    do {
      await gradientCalls(p, position, 1);
      calls += 1;
    } while (performance.now() - t0 < minMs);
    return (calls * numChains * 1000) / (performance.now() - t0);
  } finally {
    position.dispose();
  }
}
