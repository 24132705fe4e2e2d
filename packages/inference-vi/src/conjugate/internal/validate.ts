import { BLR_HOST_MAX_DIM } from '../placement.js';
import type { BlrOptions, BlrPlacement, DesignInput, VectorInput } from '../types.js';
import { describe, designShape, vectorLength } from './inputs.js';

/** @internal The checked sizes and scalar options of a conjugate regression call. */
export interface CheckedBlr {
  n: number;
  d: number;
  noiseVariance: number;
  on: BlrPlacement;
}

/** @internal Throws unless `v` is a finite number > 0, naming the function, argument and value. */
export function checkPositive(v: unknown, arg: string, fn: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) {
    throw new Error(`${fn}: '${arg}' must be a finite number > 0, got ${describe(v)}`);
  }
  return v;
}

/** @internal Checks Φ, y and the options (sizes, positivity, placement); throws clear errors. */
export function checkBlrInputs(phi: DesignInput, y: VectorInput, options: BlrOptions, fn: string): CheckedBlr {
  const [n, d] = designShape(phi, 'phi', fn);
  const ny = vectorLength(y, 'y', fn);
  if (ny !== n) {
    throw new Error(`${fn}: 'phi' has ${n} rows but 'y' has length ${ny}; they must match (one row of phi per observation)`);
  }
  if (d === 0) throw new Error(`${fn}: 'phi' has no columns (D = 0)`);
  const noiseVariance = checkPositive(options.noiseVariance ?? 1, 'noiseVariance', fn);
  const alpha = options.alpha ?? 1;
  if (typeof alpha === 'number') checkPositive(alpha, 'alpha', fn);
  else {
    const k = vectorLength(alpha, 'alpha', fn);
    if (k !== d) throw new Error(`${fn}: 'alpha' has length ${k}, expected a number or one per feature (D = ${d})`);
  }
  if (options.priorMean !== undefined) {
    const k = vectorLength(options.priorMean, 'priorMean', fn);
    if (k !== d) throw new Error(`${fn}: 'priorMean' has length ${k}, expected D = ${d} (the columns of 'phi')`);
  }
  const on = options.on ?? (d <= BLR_HOST_MAX_DIM ? 'host' : 'device');
  if (on !== 'host' && on !== 'device') throw new Error(`${fn}: 'on' must be 'host' or 'device', got ${describe(on)}`);
  return { n, d, noiseVariance, on };
}

/** @internal Throws unless every per-feature precision is finite and > 0 (after readback). */
export function checkAlphaValues(alpha: Float64Array, fn: string): void {
  alpha.forEach((a, i) => {
    if (!Number.isFinite(a) || !(a > 0)) throw new Error(`${fn}: 'alpha' must be > 0 and finite; entry ${i} is ${a}`);
  });
}
