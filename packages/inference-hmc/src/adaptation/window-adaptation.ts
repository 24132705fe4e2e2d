import * as tf from '@tensorflow/tfjs-core';
import { toFloat64Array } from '@probdl/tensor-backend';
import type { HmcParams, KernelInfo, StepSize } from '../types.js';
import { dualAveraging, toPerChain, type DualAveragingState } from './dual-averaging.js';
import { welfordCovariance, welfordInit, welfordUpdate, type WelfordState } from './welford.js';
import { buildWindowSchedule, type AdaptationWindow } from './window-schedule.js';

/** Options of {@link windowAdaptation}. */
export interface WindowAdaptationOptions {
  /** Warmup iterations; the schedule covers exactly these. */
  readonly numWarmup: number;
  /** Initial fast window. Default 75. */
  readonly initialBuffer?: number;
  /** Terminal fast window. Default 50. */
  readonly terminalBuffer?: number;
  /** First slow window. Default 25. */
  readonly baseWindow?: number;
  /** Metric to adapt. Default 'diagonal'. */
  readonly metric?: 'diagonal' | 'dense';
  /** Dual averaging target. Default 0.8. */
  readonly targetAcceptance?: number;
  /**
   * One metric estimated from the draws of every chain (`[D]` / `[D, D]`) rather than one per chain
   * (`[C, D]` / `[C, D, D]`, Stan's behaviour). Default false.
   */
  readonly pooled?: boolean;
  /** Dual averaging iteration offset t₀. Default 10 (Stan). */
  readonly t0?: number;
  /** Dual averaging shrinkage γ. Default 0.05 (Stan). */
  readonly gamma?: number;
  /** Dual averaging decay κ. Default 0.75 (Stan). */
  readonly kappa?: number;
}

/** Host state of {@link windowAdaptation} (float64). */
export interface WindowAdaptationState {
  /** Warmup iterations done. */
  readonly step: number;
  /** Chains C. */
  readonly numChains: number;
  /** Dimension D. */
  readonly dim: number;
  /** Step-size adaptation, restarted after each metric update. */
  readonly dualAveraging: DualAveragingState;
  /** Draws of the current slow window; updated in place by `update` (treat old states as consumed). */
  readonly welford: WelfordState;
  /** The current inverse mass matrix, row-major `[G, D]` or `[G, D, D]` with G = 1 (pooled) or C. */
  readonly inverseMassMatrix: Float64Array;
  /** Whether the last `update` ended a slow window (the metric changed and dual averaging restarted). */
  readonly metricUpdated: boolean;
}

/** Parameters of the adapted kernel, with the metric kind (a per-chain diagonal `[C, D]` is otherwise ambiguous with a dense `[D, D]`). */
export interface WindowAdaptationParams extends HmcParams {
  /** Step size per chain. */
  readonly stepSize: Float64Array;
  /** How to read `inverseMassMatrix` (pass it to `euclideanMetric`). */
  readonly metric: 'diagonal' | 'dense';
}

/** What {@link windowAdaptation} returns. */
export interface WindowAdaptation {
  /** The windows in order. */
  readonly schedule: readonly AdaptationWindow[];
  /** Starts with the identity metric and step size `stepSize` (one, or one per chain). `position` (`[C, D]`) only gives the shape. */
  init(position: tf.Tensor | ArrayLike<ArrayLike<number>>, stepSize: StepSize): WindowAdaptationState;
  /**
   * One warmup iteration, after a kernel step that produced `info` and moved the chains to
   * `position` (`[C, D]`, not disposed): dual averaging on `info.acceptanceRate`; in a slow window
   * the position is read back once and fed to Welford; at the end of a slow window the metric
   * becomes the regularised (co)variance of the window's draws and dual averaging restarts at the
   * current step size (μ = log(10 ε)).
   */
  update(state: WindowAdaptationState, info: KernelInfo, position: tf.Tensor): Promise<WindowAdaptationState>;
  /** Restarts dual averaging at new step sizes (e.g. from `findReasonableStepSize` after a metric update, as Stan does). */
  restartStepSize(state: WindowAdaptationState, stepSize: StepSize): WindowAdaptationState;
  /** The parameters for the next kernel step: step size exp(log ε_t) and a fresh inverse mass matrix tensor the caller owns. */
  params(state: WindowAdaptationState): WindowAdaptationParams;
  /** The adapted parameters: step size exp(x̄) of dual averaging and the last metric (fresh tensor). */
  final(state: WindowAdaptationState): WindowAdaptationParams;
}

/**
 * Stan's windowed warmup (BlackJAX's `window_adaptation`, NumPyro's warmup adapter) over a batch
 * of chains: dual averaging of the step size throughout, Welford estimates of the (co)variance in
 * the slow windows of {@link buildWindowSchedule}, with Stan's regularisation. All bookkeeping is
 * host float64; the only readback is the position during slow windows.
 */
export function windowAdaptation(options: WindowAdaptationOptions): WindowAdaptation {
  const { numWarmup, metric = 'diagonal', targetAcceptance = 0.8, pooled = false } = options;
  if (metric !== 'diagonal' && metric !== 'dense') throw new RangeError(`windowAdaptation: metric must be 'diagonal' or 'dense', got ${String(metric)}`);
  const schedule = buildWindowSchedule(numWarmup, options);
  const da = dualAveraging({ targetAcceptance, t0: options.t0, gamma: options.gamma, kappa: options.kappa });
  const windowAt = (t: number): AdaptationWindow | undefined => schedule.find((w) => t < w.windowEnd);

  const identity = (c: number, d: number): Float64Array => {
    const groups = pooled ? 1 : c;
    if (metric === 'diagonal') return new Float64Array(groups * d).fill(1);
    const out = new Float64Array(groups * d * d);
    for (let g = 0; g < groups; g++) for (let j = 0; j < d; j++) out[g * d * d + j * d + j] = 1;
    return out;
  };
  const toTensor = (state: WindowAdaptationState): tf.Tensor => {
    const { numChains: c, dim: d } = state;
    const shape = metric === 'diagonal' ? (pooled ? [d] : [c, d]) : pooled ? [d, d] : [c, d, d];
    return tf.tensor(Float32Array.from(state.inverseMassMatrix), shape, 'float32');
  };

  return {
    schedule,
    init(position, stepSize) {
      let c: number;
      let d: number;
      if (position instanceof tf.Tensor) {
        if (position.rank !== 2) throw new RangeError(`windowAdaptation.init: position must be [C, D], got [${position.shape.join(', ')}]`);
        [c, d] = position.shape as [number, number];
      } else {
        c = position.length;
        d = c > 0 ? position[0]!.length : 0;
      }
      if (c < 1 || d < 1) throw new RangeError(`windowAdaptation.init: position must be a non-empty [C, D], got [${c}, ${d}]`);
      return {
        step: 0,
        numChains: c,
        dim: d,
        dualAveraging: da.init(toPerChain('windowAdaptation.init', stepSize, c)),
        welford: welfordInit(c, d, { kind: metric, pooled }),
        inverseMassMatrix: identity(c, d),
        metricUpdated: false,
      };
    },
    async update(state, info, position) {
      const t = state.step;
      const window = windowAt(t);
      if (!window) throw new RangeError(`windowAdaptation.update: all ${numWarmup} warmup iterations are done`);
      if (position.rank !== 2 || position.shape[0] !== state.numChains || position.shape[1] !== state.dim) {
        throw new RangeError(`windowAdaptation.update: position must be [${state.numChains}, ${state.dim}], got [${position.shape.join(', ')}]`);
      }
      let dualState = da.update(state.dualAveraging, info.acceptanceRate);
      let welford = state.welford;
      let inverseMassMatrix = state.inverseMassMatrix;
      let metricUpdated = false;
      if (window.stage === 'slow') {
        welfordUpdate(welford, await toFloat64Array(position));
        if (t + 1 === window.windowEnd) {
          inverseMassMatrix = welfordCovariance(welford);
          welford = welfordInit(state.numChains, state.dim, { kind: metric, pooled });
          dualState = da.init(dualState.logStepSize.map(Math.exp));
          metricUpdated = true;
        }
      }
      return { ...state, step: t + 1, dualAveraging: dualState, welford, inverseMassMatrix, metricUpdated };
    },
    restartStepSize(state, stepSize) {
      return { ...state, dualAveraging: da.init(toPerChain('windowAdaptation.restartStepSize', stepSize, state.numChains)) };
    },
    params(state) {
      return { stepSize: state.dualAveraging.logStepSize.map(Math.exp), inverseMassMatrix: toTensor(state), metric };
    },
    final(state) {
      return { stepSize: da.final(state.dualAveraging), inverseMassMatrix: toTensor(state), metric };
    },
  };
}
