import * as tf from '@tensorflow/tfjs-core';
import { split, toFloat64Array, type PRNGKey } from '@probdl/tensor-backend';
import { velocityVerlet } from '../integrators/velocity-verlet.js';
import type { HmcState, LogDensityFn, Metric, StepSize } from '../types.js';
import { toPerChain } from './dual-averaging.js';

/** Options of {@link findReasonableStepSize}. */
export interface FindReasonableStepSizeOptions {
  /** Starting step size (one, or one per chain). Default 1. */
  readonly initialStepSize?: StepSize;
  /** The acceptance probability exp(-ΔH) of one leapfrog step that the search crosses. Default 0.8 (Stan's `log(0.8)`). */
  readonly targetAcceptance?: number;
  /** Give up (keeping the current step sizes) after this many leapfrog trials. Default 100. */
  readonly maxIterations?: number;
}

/**
 * Stan's initial step-size heuristic (`base_hmc::init_stepsize`), per chain in lockstep: from the
 * state's position, draw a momentum, take one leapfrog step and look at the acceptance
 * probability exp(H₀ - H₁); the first trial fixes the direction (double when it is above the
 * target, halve otherwise), then every chain doubles or halves, with a fresh momentum each trial,
 * until its acceptance crosses the target. Chains that have crossed keep their step size while the
 * others go on. Returns the step sizes, `[C]` float64 on the host; disposes nothing it was given.
 */
export async function findReasonableStepSize(
  key: PRNGKey,
  state: HmcState,
  logDensityFn: LogDensityFn,
  metric: Metric,
  options: FindReasonableStepSizeOptions = {},
): Promise<Float64Array> {
  const [c, d] = state.position.shape as [number, number];
  if (state.position.rank !== 2) throw new RangeError(`findReasonableStepSize: state.position must be [C, D], got [${state.position.shape.join(', ')}]`);
  const target = options.targetAcceptance ?? 0.8;
  if (!(target > 0 && target < 1)) throw new RangeError(`findReasonableStepSize: targetAcceptance must lie in (0, 1), got ${target}`);
  const maxIterations = options.maxIterations ?? 100;
  const eps = toPerChain('findReasonableStepSize', options.initialStepSize ?? 1, c);
  for (let i = 0; i < c; i++) if (!(eps[i]! > 0 && eps[i]! < 1e7)) throw new RangeError(`findReasonableStepSize: initialStepSize[${i}] must lie in (0, 1e7), got ${eps[i]}`);
  const logTarget = Math.log(target);
  let k = key;

  const trial = async (): Promise<Float64Array> => {
    const [next, sub] = split(k);
    k = next!;
    const momentum = metric.sampleMomentum(sub!, c, d);
    const stepSize = tf.tensor2d(Float32Array.from(eps), [c, 1]);
    const after = velocityVerlet({ ...state, momentum }, stepSize, metric, logDensityFn);
    const deltaH = tf.tidy(() => {
      const h0 = tf.sub(metric.kineticEnergy(momentum), state.logDensity);
      const h1 = tf.sub(metric.kineticEnergy(after.momentum), after.logDensity);
      return tf.sub(h0, h1);
    });
    tf.dispose([momentum, stepSize, after.position, after.momentum, after.logDensity, after.logDensityGrad]);
    const out = await toFloat64Array(deltaH);
    deltaH.dispose();
    // A NaN energy counts as an infinite one (rejected), as in Stan.
    return out.map((v) => (Number.isNaN(v) ? -Infinity : v));
  };

  const first = await trial();
  const direction = Array.from(first, (v) => (v > logTarget ? 1 : -1));
  const done = new Uint8Array(c);
  for (let it = 0; it < maxIterations && done.some((v) => v === 0); it++) {
    const deltaH = await trial();
    for (let i = 0; i < c; i++) {
      if (done[i]) continue;
      const crossed = direction[i] === 1 ? !(deltaH[i]! > logTarget) : !(deltaH[i]! < logTarget);
      if (crossed) done[i] = 1;
      else {
        eps[i] = direction[i] === 1 ? 2 * eps[i]! : 0.5 * eps[i]!;
        // Stan throws at these extremes; keep the last sensible value instead.
        if (eps[i]! > 1e7 || eps[i]! < 1e-12) {
          eps[i] = Math.min(Math.max(eps[i]!, 1e-12), 1e7);
          done[i] = 1;
        }
      }
    }
  }
  return eps;
}
