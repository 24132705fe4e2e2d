import * as tf from '@tensorflow/tfjs-core';
import { toFloat64Array } from '@probdl/tensor-backend';
import type { HmcParams, KernelInfo, StepSize } from '../types.js';
import { dualAveraging, type DualAveragingState } from './dual-averaging.js';
import { haltonSequence } from './halton.js';

/** Options of {@link cheesAdaptation}. */
export interface CheesAdaptationOptions {
  /** Warmup iterations. */
  readonly numWarmup: number;
  /** Target of dual averaging on the harmonic mean of the chains' acceptance rates. Default 0.651. */
  readonly targetAcceptance?: number;
  /** Exponent of the averaging weight t^{-decayRate} of the final log step size and log trajectory length. Default 0.5. */
  readonly decayRate?: number;
  /** Adam learning rate on the log trajectory length. Default 0.05. */
  readonly learningRate?: number;
  /** Adam's first-moment decay. Default 0 (no momentum). */
  readonly adamBeta1?: number;
  /** Adam's second-moment decay. Default 0.95. */
  readonly adamBeta2?: number;
  /** Adam's ε. Default 1e-8. */
  readonly adamEpsilon?: number;
  /** Fraction of the trajectory length that is jittered (the steps are ceil((u·a + 1 - a)·L/ε)). Default 1. */
  readonly jitterAmount?: number;
  /** Upper bound on L/ε. Default 1000. */
  readonly maxLeapfrogSteps?: number;
  /** Precondition with the (regularised) cross-chain variance of the current positions. Default true; false keeps the identity. */
  readonly adaptMassMatrix?: boolean;
  /** Starting trajectory length. Default: the initial step size (BlackJAX). */
  readonly initialTrajectoryLength?: number;
}

/** Host state of {@link cheesAdaptation} (float64, shared by every chain). */
export interface CheesAdaptationState {
  /** Warmup iterations done (also the index of the Halton jitter of the next step). */
  readonly step: number;
  /** Chains C. */
  readonly numChains: number;
  /** Dimension D. */
  readonly dim: number;
  /** Step size of the next step, exp of the dual averaging iterate. */
  readonly stepSize: number;
  /** Trajectory length L (before the jitter) of the next step. */
  readonly trajectoryLength: number;
  /** t^{-decayRate}-weighted average of log ε: the final step size. */
  readonly logStepSizeAvg: number;
  /** t^{-decayRate}-weighted average of log L: the final trajectory length. */
  readonly logTrajectoryLengthAvg: number;
  /** Dual averaging on the harmonic-mean acceptance (one "chain"). */
  readonly dualAveraging: DualAveragingState;
  /** Adam's first moment. */
  readonly adamM: number;
  /** Adam's second moment. */
  readonly adamV: number;
  /** Adam's update count (for the bias corrections). */
  readonly adamCount: number;
  /** Diagonal inverse mass matrix `[D]`. */
  readonly inverseMassMatrix: Float64Array;
  /** Host copy of the chains' current positions `[C, D]` (the start of the next step's trajectories). */
  readonly position: Float64Array;
  /** The last ChEES gradient with respect to log L (diagnostics). */
  readonly lastGradient: number;
  /** The last harmonic mean of the non-divergent chains' acceptance rates (diagnostics). */
  readonly lastHarmonicMeanAcceptance: number;
}

/**
 * A kernel's report for ChEES: the usual {@link KernelInfo} plus the end of each chain's trajectory
 * (the proposal, before the accept/reject). The tensors stay the caller's.
 */
export interface CheesKernelInfo extends KernelInfo {
  readonly proposal: {
    /** `[C, D]`. */
    readonly position: tf.Tensor;
    /** Momentum at the end of the trajectory, `[C, D]`. */
    readonly momentum: tf.Tensor;
  };
}

/** Parameters of a jittered HMC step. */
export interface CheesParams extends HmcParams {
  /** One step size for every chain, repeated per chain. */
  readonly stepSize: Float64Array;
  /** Leapfrog steps of this iteration (all chains): jittered from L/ε with the Halton point of the step. */
  readonly numIntegrationSteps: number;
  /** L/ε before the jitter. */
  readonly maxIntegrationSteps: number;
  /** L. */
  readonly trajectoryLength: number;
  /** The inverse mass matrix is a diagonal `[D]`. */
  readonly metric: 'diagonal';
}

/** What {@link cheesAdaptation} returns. */
export interface CheesAdaptation {
  /**
   * Starts from positions `[C, D]` (read back once; the metric from their cross-chain variance when
   * `adaptMassMatrix`) and step size ε₀ (per-chain values are reduced to their geometric mean: ChEES
   * shares one step size).
   */
  init(position: tf.Tensor, stepSize: StepSize): Promise<CheesAdaptationState>;
  /**
   * One iteration after a kernel step that started at the previous `position` (kept on the host),
   * proposed `info.proposal` and moved the chains to `position` (`[C, D]`): dual averaging, an Adam
   * step on log L along the ChEES gradient, the metric. One readback of the three `[C, D]` tensors.
   */
  update(state: CheesAdaptationState, info: CheesKernelInfo, position: tf.Tensor): Promise<CheesAdaptationState>;
  /** Parameters of the next step (fresh inverse mass matrix tensor `[D]` the caller owns). */
  params(state: CheesAdaptationState): CheesParams;
  /**
   * Adapted parameters: ε = exp(avg log ε), L = exp(avg log L), `maxIntegrationSteps` = L/ε; the
   * sampler goes on jittering with {@link jitteredIntegrationSteps} (`numIntegrationSteps` is that of
   * the step after warmup).
   */
  final(state: CheesAdaptationState): CheesParams;
}

/** BlackJAX / TFP clip on one log-space update of L. */
const LOG_UPDATE_CLIP = 0.35;

/**
 * Cross-chain ChEES adaptation of jittered HMC (Hoffman, Radul and Sountsov 2021; BlackJAX's
 * `chees_adaptation`): the step size by dual averaging on the harmonic mean of the chains'
 * acceptance rates (target 0.651); the trajectory length L by Adam ascent on log L along the
 * acceptance-weighted ChEES gradient u·L·(‖x̃' - x̄'‖² - ‖x̃ - x̄‖²)·(x̃' - x̄')ᵀM⁻¹p' (u the
 * Halton jitter of the step); both averaged with weights t^{-decayRate} for the final values.
 * Unlike BlackJAX, Adam moves its own iterate of log L (the average only gives the result), and the
 * diagonal metric is the regularised cross-chain variance of the current positions. Host float64;
 * one readback per step.
 */
export function cheesAdaptation(options: CheesAdaptationOptions): CheesAdaptation {
  const {
    numWarmup,
    targetAcceptance = 0.651,
    decayRate = 0.5,
    learningRate = 0.05,
    adamBeta1 = 0,
    adamBeta2 = 0.95,
    adamEpsilon = 1e-8,
    jitterAmount = 1,
    maxLeapfrogSteps = 1000,
    adaptMassMatrix = true,
  } = options;
  if (!(Number.isInteger(numWarmup) && numWarmup >= 0)) throw new RangeError(`cheesAdaptation: numWarmup must be an integer >= 0, got ${numWarmup}`);
  if (!(decayRate >= 0)) throw new RangeError(`cheesAdaptation: decayRate must be >= 0, got ${decayRate}`);
  if (!(learningRate > 0)) throw new RangeError(`cheesAdaptation: learningRate must be > 0, got ${learningRate}`);
  if (!(jitterAmount >= 0 && jitterAmount <= 1)) throw new RangeError(`cheesAdaptation: jitterAmount must lie in [0, 1], got ${jitterAmount}`);
  if (!(maxLeapfrogSteps >= 1)) throw new RangeError(`cheesAdaptation: maxLeapfrogSteps must be >= 1, got ${maxLeapfrogSteps}`);
  const da = dualAveraging({ targetAcceptance });
  const jitter = (i: number) => haltonSequence(i) * jitterAmount + 1 - jitterAmount;
  const stepsAt = (i: number, maxSteps: number) => Math.max(1, Math.ceil(jitter(i) * maxSteps));

  const crossChainVariance = (x: Float64Array, c: number, d: number): Float64Array => {
    const out = new Float64Array(d).fill(1);
    if (!adaptMassMatrix || c < 2) return out;
    for (let j = 0; j < d; j++) {
      let n = 0;
      let mean = 0;
      let m2 = 0;
      for (let i = 0; i < c; i++) {
        const v = x[i * d + j]!;
        if (!Number.isFinite(v)) continue;
        n++;
        const delta = v - mean;
        mean += delta / n;
        m2 += delta * (v - mean);
      }
      if (n >= 2) out[j] = (n / (n + 5)) * (m2 / (n - 1)) + (1e-3 * 5) / (n + 5);
    }
    return out;
  };
  const makeParams = (state: CheesAdaptationState, stepSize: number, trajectoryLength: number, index: number): CheesParams => {
    const maxSteps = trajectoryLength / stepSize;
    return {
      stepSize: new Float64Array(state.numChains).fill(stepSize),
      inverseMassMatrix: tf.tensor1d(Float32Array.from(state.inverseMassMatrix)),
      numIntegrationSteps: stepsAt(index, maxSteps),
      maxIntegrationSteps: maxSteps,
      trajectoryLength,
      metric: 'diagonal',
    };
  };

  return {
    async init(position, initialStepSize) {
      if (position.rank !== 2) throw new RangeError(`cheesAdaptation.init: position must be [C, D], got [${position.shape.join(', ')}]`);
      const perChain = typeof initialStepSize === 'number' ? [initialStepSize] : Array.from(initialStepSize);
      const stepSize = Math.exp(perChain.reduce((a, e) => a + Math.log(e), 0) / perChain.length);
      if (!(stepSize > 0 && Number.isFinite(stepSize))) throw new RangeError(`cheesAdaptation.init: stepSize must be finite and > 0, got ${String(initialStepSize)}`);
      const [c, d] = position.shape as [number, number];
      const x = await toFloat64Array(position);
      const length = options.initialTrajectoryLength ?? stepSize;
      if (!(length > 0)) throw new RangeError(`cheesAdaptation.init: initialTrajectoryLength must be > 0, got ${length}`);
      const inverseMassMatrix = adaptMassMatrix ? crossChainVariance(x, c, d) : new Float64Array(d).fill(1);
      return {
        step: 0,
        numChains: c,
        dim: d,
        stepSize,
        trajectoryLength: Math.min(Math.max(length, stepSize), maxLeapfrogSteps * stepSize),
        logStepSizeAvg: 0,
        logTrajectoryLengthAvg: 0,
        dualAveraging: da.init(stepSize),
        adamM: 0,
        adamV: 0,
        adamCount: 0,
        inverseMassMatrix,
        position: x,
        lastGradient: 0,
        lastHarmonicMeanAcceptance: Number.NaN,
      };
    },

    async update(state, info, position) {
      const { numChains: c, dim: d } = state;
      if (!info.proposal) throw new TypeError('cheesAdaptation.update: info.proposal (position and momentum at the end of the trajectories) is required');
      const named = [
        ['info.proposal.position', info.proposal.position],
        ['info.proposal.momentum', info.proposal.momentum],
        ['position', position],
      ] as const;
      for (const [name, t] of named) {
        if (t.rank !== 2 || t.shape[0] !== c || t.shape[1] !== d) throw new RangeError(`cheesAdaptation.update: ${name} must be [${c}, ${d}], got [${t.shape.join(', ')}]`);
      }
      if (info.acceptanceRate.length !== c) throw new RangeError(`cheesAdaptation.update: info.acceptanceRate has ${info.acceptanceRate.length} entries, expected ${c}`);
      // One readback of the three [C, D] blocks.
      const stacked = tf.stack([info.proposal.position, info.proposal.momentum, position]);
      const all = await toFloat64Array(stacked);
      stacked.dispose();
      const size = c * d;
      const x0 = state.position;
      const x1 = all.subarray(0, size);
      const p1 = all.subarray(size, 2 * size);
      const xNow = all.slice(2 * size, 3 * size);
      const ok = (i: number) => !info.isDivergent[i];
      const accept = (i: number) => {
        const a = info.acceptanceRate[i]!;
        return Number.isFinite(a) ? Math.min(Math.max(a, 0), 1) : 0;
      };

      // Step size: dual averaging on the harmonic mean of the non-divergent chains' acceptance.
      let inverseSum = 0;
      let count = 0;
      for (let i = 0; i < c; i++) {
        if (!ok(i)) continue;
        inverseSum += 1 / accept(i);
        count++;
      }
      let harmonic = count > 0 ? count / inverseSum : 0;
      if (!Number.isFinite(harmonic)) harmonic = 0;
      let dualState = da.update(state.dualAveraging, [harmonic]);
      let stepSize = Math.exp(dualState.logStepSize[0]!);
      if (!Number.isFinite(stepSize) || stepSize <= 0) {
        dualState = state.dualAveraging;
        stepSize = state.stepSize;
      }
      const t = state.step + 1;
      const weight = t ** -decayRate;
      const logStepSizeAvg = (1 - weight) * state.logStepSizeAvg + weight * Math.log(stepSize);

      // ChEES gradient with respect to log L.
      const meanInitial = new Float64Array(d);
      const meanProposal = new Float64Array(d);
      const finiteRow = (x: Float64Array, i: number) => {
        for (let j = 0; j < d; j++) if (!Number.isFinite(x[i * d + j]!)) return false;
        return true;
      };
      let nInitial = 0;
      let wProposal = 0;
      for (let i = 0; i < c; i++) {
        if (finiteRow(x0, i)) {
          nInitial++;
          for (let j = 0; j < d; j++) meanInitial[j] = meanInitial[j]! + x0[i * d + j]!;
        }
        const w = ok(i) && finiteRow(x1, i) ? accept(i) : 0;
        wProposal += w;
        if (w > 0) for (let j = 0; j < d; j++) meanProposal[j] = meanProposal[j]! + w * x1[i * d + j]!;
      }
      for (let j = 0; j < d; j++) {
        meanInitial[j] = meanInitial[j]! / Math.max(nInitial, 1);
        meanProposal[j] = meanProposal[j]! / (wProposal + 1e-20);
      }
      const u = jitter(state.step);
      const invMass = state.inverseMassMatrix;
      let num = 0;
      let den = 0;
      for (let i = 0; i < c; i++) {
        if (!ok(i)) continue;
        let sqProposal = 0;
        let sqInitial = 0;
        let dot = 0;
        for (let j = 0; j < d; j++) {
          const pc = x1[i * d + j]! - meanProposal[j]!;
          const ic = x0[i * d + j]! - meanInitial[j]!;
          sqProposal += pc * pc;
          sqInitial += ic * ic;
          dot += pc * invMass[j]! * p1[i * d + j]!;
        }
        const g = u * state.trajectoryLength * (sqProposal - sqInitial) * dot;
        if (!Number.isFinite(g)) continue;
        num += accept(i) * g;
        den += accept(i) + 1e-20;
      }
      const gradient = den > 0 ? num / den : 0;

      // Adam ascent on log L, clipped.
      let adamM = state.adamM;
      let adamV = state.adamV;
      let adamCount = state.adamCount;
      let logLength = Math.log(state.trajectoryLength);
      if (Number.isFinite(gradient)) {
        adamCount++;
        adamM = adamBeta1 * adamM + (1 - adamBeta1) * gradient;
        adamV = adamBeta2 * adamV + (1 - adamBeta2) * gradient * gradient;
        const mHat = adamM / (1 - adamBeta1 ** adamCount);
        const vHat = adamV / (1 - adamBeta2 ** adamCount);
        const change = (learningRate * mHat) / (Math.sqrt(vHat) + adamEpsilon);
        if (Number.isFinite(change)) logLength += Math.min(Math.max(change, -LOG_UPDATE_CLIP), LOG_UPDATE_CLIP);
      }
      // At least one step, at most maxLeapfrogSteps.
      logLength = Math.min(Math.max(logLength, Math.log(stepSize)), Math.log(maxLeapfrogSteps * stepSize));
      const logTrajectoryLengthAvg = (1 - weight) * state.logTrajectoryLengthAvg + weight * logLength;

      return {
        ...state,
        step: t,
        stepSize,
        trajectoryLength: Math.exp(logLength),
        logStepSizeAvg,
        logTrajectoryLengthAvg,
        dualAveraging: dualState,
        adamM,
        adamV,
        adamCount,
        inverseMassMatrix: adaptMassMatrix ? crossChainVariance(xNow, c, d) : state.inverseMassMatrix,
        position: xNow,
        lastGradient: gradient,
        lastHarmonicMeanAcceptance: harmonic,
      };
    },

    params(state) {
      return makeParams(state, state.stepSize, state.trajectoryLength, state.step);
    },

    final(state) {
      if (state.step === 0) return makeParams(state, state.stepSize, state.trajectoryLength, 0);
      const stepSize = Math.exp(state.logStepSizeAvg);
      const length = Math.min(Math.max(Math.exp(state.logTrajectoryLengthAvg), stepSize), maxLeapfrogSteps * stepSize);
      return makeParams(state, stepSize, length, state.step);
    },
  };
}
