import type * as tf from '@tensorflow/tfjs-core';
import { cheesAdaptation } from '../adaptation/chees-adaptation.js';
import { jitteredIntegrationSteps } from '../adaptation/halton.js';
import { windowAdaptation } from '../adaptation/window-adaptation.js';
import { hmc } from '../kernels/hmc.js';
import { mala } from '../kernels/mala.js';
import { nuts } from '../kernels/nuts/nuts.js';
import { rwm } from '../kernels/rwm.js';
import type { HmcParams, Kernel, KernelInfo, StepSize } from '../types.js';
import type { ResolvedOptions } from './options.js';

/** Kernel parameters as an adaptation hands them out (ChEES adds a trajectory length). */
export type RunParams = HmcParams & {
  readonly numIntegrationSteps?: number;
  /** ChEES: L/ε before the jitter (sampling draws the steps of each iteration from it). */
  readonly maxIntegrationSteps?: number;
  readonly metric?: 'diagonal' | 'dense';
};

/** The shape of an adaptation scheme that the runner drives (window adaptation, ChEES). */
export interface RunAdaptation {
  init(position: tf.Tensor, stepSize: StepSize): unknown;
  update(state: unknown, info: KernelInfo, position: tf.Tensor): Promise<unknown>;
  params(state: unknown): RunParams;
  final(state: unknown): RunParams;
  /** Window adaptation: restart dual averaging at new step sizes after a metric update. */
  restartStepSize?(state: unknown, stepSize: StepSize): unknown;
}

/** The kernel the options ask for. */
export function makeKernel(o: ResolvedOptions, independentRows = false): Kernel<HmcParams> {
  if (o.kernelObject) return o.kernelObject;
  switch (o.kernel) {
    case 'nuts':
      return nuts({ maxTreeDepth: o.maxTreeDepth, independentRows });
    case 'hmc':
      return hmc({ numIntegrationSteps: o.numIntegrationSteps, reportProposal: o.adaptation === 'chees' });
    case 'mala':
      return mala();
    case 'rwm':
      return rwm();
    default:
      throw new TypeError(`sample: options.kernel: the checkpoint ran a kernel object; pass it again`);
  }
}

/** The adaptation the options ask for (undefined for 'none'). */
export function makeAdaptation(o: ResolvedOptions): RunAdaptation | undefined {
  if (o.adaptation === 'none') return undefined;
  if (o.adaptation === 'window') {
    return windowAdaptation({ numWarmup: o.numWarmup, metric: o.metric, targetAcceptance: o.targetAcceptance }) as unknown as RunAdaptation;
  }
  return cheesAdaptation({ numWarmup: o.numWarmup, targetAcceptance: o.targetAcceptance }) as unknown as RunAdaptation;
}

/**
 * The kernel of one iteration: a named 'hmc' kernel follows the parameters' `numIntegrationSteps`
 * (ChEES jitters it every iteration); kernels are cached per length.
 */
export function kernelChooser(o: ResolvedOptions, independentRows = false): (p: RunParams) => Kernel<HmcParams> {
  const base = makeKernel(o, independentRows);
  if (o.kernelObject || o.kernel !== 'hmc') return () => base;
  const cache = new Map<number, Kernel<HmcParams>>([[o.numIntegrationSteps, base]]);
  return (p) => {
    const n = p.numIntegrationSteps ?? o.numIntegrationSteps;
    let k = cache.get(n);
    if (!k) {
      k = hmc({ numIntegrationSteps: n, reportProposal: o.adaptation === 'chees' });
      cache.set(n, k);
    }
    return k;
  };
}

/** Parameters of sampling iteration `i`: ChEES keeps jittering the number of steps (Halton point numWarmup + i). */
export function samplingParams(p: RunParams, numWarmup: number, i: number): RunParams {
  if (p.maxIntegrationSteps === undefined) return p;
  return { ...p, numIntegrationSteps: jitteredIntegrationSteps(numWarmup + i, p.maxIntegrationSteps) };
}
