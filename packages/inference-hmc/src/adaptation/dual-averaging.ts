import type { StepSize } from '../types.js';

/** Options of {@link dualAveraging} (Stan's defaults). */
export interface DualAveragingOptions {
  /** Acceptance rate δ to aim for. Default 0.8. */
  readonly targetAcceptance?: number;
  /** Iteration offset t₀ that damps the first iterations. Default 10. */
  readonly t0?: number;
  /** Shrinkage γ towards μ. Default 0.05. */
  readonly gamma?: number;
  /** Decay κ of the averaging weight t^{-κ}. Default 0.75. */
  readonly kappa?: number;
}

/** Host state of dual averaging, one entry per chain (all float64). */
export interface DualAveragingState {
  /** Iterations done since the last (re)start, shared by every chain. */
  readonly step: number;
  /** The current iterate log ε_t, `[C]`: the step size to use next is `exp(logStepSize)`. */
  readonly logStepSize: Float64Array;
  /** The weighted average x̄_t of the iterates, `[C]`: the final step size is `exp(logStepSizeAvg)`. */
  readonly logStepSizeAvg: Float64Array;
  /** The running average H̄_t of δ - acceptance, `[C]`. */
  readonly gradientAvg: Float64Array;
  /** The point μ = log(10 ε₀) the iterates shrink towards, `[C]`. */
  readonly mu: Float64Array;
}

/** The three functions of {@link dualAveraging}. */
export interface DualAveraging {
  /** Starts (or restarts) at step size ε₀ per chain: μ = log(10 ε₀). A number needs `numChains`. */
  init(stepSize: StepSize, numChains?: number): DualAveragingState;
  /** One iteration with the acceptance rate of each chain's last transition (`[C]`; non-finite counts as 0). Returns a new state. */
  update(state: DualAveragingState, acceptanceRate: ArrayLike<number>): DualAveragingState;
  /** The adapted step size per chain, exp(x̄). */
  final(state: DualAveragingState): Float64Array;
}

/**
 * Nesterov's dual averaging of the log step size, exactly as Stan (`stepsize_adaptation`), NumPyro
 * and BlackJAX do it, per chain on the host in float64:
 * H̄_t = (1 - 1/(t+t₀)) H̄_{t-1} + (δ - α_t)/(t+t₀), log ε_t = μ - √t/γ · H̄_t,
 * x̄_t = t^{-κ} log ε_t + (1 - t^{-κ}) x̄_{t-1}, with μ = log(10 ε₀). No tensors are involved.
 */
export function dualAveraging(options: DualAveragingOptions = {}): DualAveraging {
  const { targetAcceptance = 0.8, t0 = 10, gamma = 0.05, kappa = 0.75 } = options;
  if (!(targetAcceptance > 0 && targetAcceptance < 1)) throw new RangeError(`dualAveraging: targetAcceptance must lie in (0, 1), got ${targetAcceptance}`);
  if (!(t0 >= 0)) throw new RangeError(`dualAveraging: t0 must be >= 0, got ${t0}`);
  if (!(gamma > 0)) throw new RangeError(`dualAveraging: gamma must be > 0, got ${gamma}`);
  if (!(kappa > 0 && kappa <= 1)) throw new RangeError(`dualAveraging: kappa must lie in (0, 1], got ${kappa}`);
  return {
    init(stepSize, numChains) {
      const eps = toPerChain('dualAveraging.init', stepSize, numChains);
      const c = eps.length;
      const logStepSize = new Float64Array(c);
      const mu = new Float64Array(c);
      for (let i = 0; i < c; i++) {
        const e = eps[i]!;
        if (!(e > 0 && Number.isFinite(e))) throw new RangeError(`dualAveraging.init: stepSize[${i}] must be finite and > 0, got ${e}`);
        logStepSize[i] = Math.log(e);
        mu[i] = Math.log(10 * e);
      }
      return { step: 0, logStepSize, logStepSizeAvg: new Float64Array(c), gradientAvg: new Float64Array(c), mu };
    },
    update(state, acceptanceRate) {
      const c = state.logStepSize.length;
      if (acceptanceRate.length !== c) throw new RangeError(`dualAveraging.update: acceptanceRate has ${acceptanceRate.length} entries, the state ${c} chains`);
      const t = state.step + 1;
      const eta = 1 / (t + t0);
      const weight = t ** -kappa;
      const logStepSize = new Float64Array(c);
      const logStepSizeAvg = new Float64Array(c);
      const gradientAvg = new Float64Array(c);
      for (let i = 0; i < c; i++) {
        const a = acceptanceRate[i]!;
        const alpha = Number.isFinite(a) ? Math.min(Math.max(a, 0), 1) : 0;
        const h = (1 - eta) * state.gradientAvg[i]! + eta * (targetAcceptance - alpha);
        const x = state.mu[i]! - (Math.sqrt(t) / gamma) * h;
        gradientAvg[i] = h;
        logStepSize[i] = x;
        logStepSizeAvg[i] = weight * x + (1 - weight) * state.logStepSizeAvg[i]!;
      }
      return { step: t, logStepSize, logStepSizeAvg, gradientAvg, mu: state.mu };
    },
    final(state) {
      // Before any update x̄ means nothing: the step size is still ε₀.
      if (state.step === 0) return state.logStepSize.map(Math.exp);
      return state.logStepSizeAvg.map(Math.exp);
    },
  };
}

/** A step size as one float64 entry per chain. */
export function toPerChain(where: string, stepSize: StepSize, numChains?: number): Float64Array {
  if (typeof stepSize === 'number') {
    const c = numChains ?? 1;
    if (!(Number.isInteger(c) && c >= 1)) throw new RangeError(`${where}: numChains must be a positive integer, got ${c}`);
    return new Float64Array(c).fill(stepSize);
  }
  if (numChains !== undefined && stepSize.length !== numChains) throw new RangeError(`${where}: stepSize has ${stepSize.length} entries, numChains is ${numChains}`);
  return Float64Array.from(stepSize);
}
