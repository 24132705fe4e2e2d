import * as tf from '@tensorflow/tfjs-core';
import { random, split, type PRNGKey } from '@probdl/tensor-backend';
import { gradientEvaluationsPerStep } from '../integrators/palindromic.js';
import { velocityVerlet } from '../integrators/velocity-verlet.js';
import { stateAt } from '../internal/value-and-grad.js';
import { metricForChains } from '../metrics/for-chains.js';
import type { HmcParams, HmcState, Integrator, IntegratorState, Kernel, KernelInfo } from '../types.js';
import { kineticEnergyChange, metropolisHastings } from './proposal.js';
import { stepSizeColumn } from './step-size.js';

/** Options of {@link hmc}. */
export interface HmcOptions {
  /** Integrator steps per transition (L), a positive integer. */
  readonly numIntegrationSteps: number;
  /** Default {@link velocityVerlet}; also `mclachlan`, `yoshida` or any {@link Integrator}. */
  readonly integrator?: Integrator;
  /** Energy error above which a transition counts as divergent (default 1000, as BlackJAX). */
  readonly divergenceThreshold?: number;
  /**
   * Stan's step-size jitter j in [0, 1): each transition multiplies each chain's step size by an
   * independent uniform factor on [1 - j, 1 + j] (default 0, no jitter). It breaks up periodic
   * trajectories on nearly Gaussian targets; the kernel stays invariant because the factor is
   * drawn independently of the state.
   */
  readonly stepSizeJitter?: number;
  /** Report where each trajectory ended before the accept/reject in `info.proposal` (ChEES needs it); the caller disposes it. */
  readonly reportProposal?: boolean;
}

/** Disposes the tensors of an integrator state that `keep` does not hold. */
function disposeStateExcept(s: IntegratorState, keep: IntegratorState): void {
  for (const name of ['position', 'momentum', 'logDensity', 'logDensityGrad'] as const) {
    if (s[name] !== keep[name]) s[name].dispose();
  }
}

/**
 * Hamiltonian Monte Carlo with a fixed number of integration steps (BlackJAX's `hmc`), for a
 * batch of C chains in lockstep. Each `step` draws momenta p ~ N(0, M) from the metric of
 * `params.inverseMassMatrix` (`[D]`, `[D, D]`, `[C, D]` or `[C, D, D]`), integrates L steps with
 * the per-chain step sizes, and accepts each chain's end point with probability min(1, exp(-ΔH)),
 * one uniform per chain. The energy error is formed from the changes of log density and kinetic
 * energy on the host in float64 (see `metropolisDecision`); NaN or an error above
 * `divergenceThreshold` is divergent (a NaN is always rejected). `info.energy` is H at the
 * returned point and `info.numIntegrationSteps` the gradient evaluations (L times the
 * integrator's stages). The returned state is fresh; the caller disposes the old one.
 *
 * @throws RangeError naming `numIntegrationSteps` or `divergenceThreshold` when invalid.
 */
export function hmc(options: HmcOptions): Kernel<HmcParams> {
  const numSteps = options.numIntegrationSteps;
  if (!Number.isInteger(numSteps) || numSteps < 1) throw new RangeError(`hmc: numIntegrationSteps must be a positive integer, got ${numSteps}`);
  const integrator = options.integrator ?? velocityVerlet;
  const threshold = options.divergenceThreshold ?? 1000;
  if (!(threshold > 0)) throw new RangeError(`hmc: divergenceThreshold must be positive, got ${threshold}`);
  const jitter = options.stepSizeJitter ?? 0;
  if (!(jitter >= 0 && jitter < 1)) throw new RangeError(`hmc: stepSizeJitter must be in [0, 1), got ${jitter}`);
  const stagesPerStep = gradientEvaluationsPerStep(integrator);
  return {
    init: (position, logDensityFn) => stateAt(logDensityFn, position),
    async step(key, state, logDensityFn, params): Promise<[HmcState, KernelInfo]> {
      const [c, d] = state.position.shape as [number, number];
      // Two keys as BlackJAX (momentum, accept); a third only when jittering.
      const [momentumKey, acceptKey, jitterKey] = split(key, jitter > 0 ? 3 : 2) as [PRNGKey, PRNGKey, PRNGKey?];
      const steps = params.numIntegrationSteps ?? numSteps;
      if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`hmc: params.numIntegrationSteps must be a positive integer, got ${steps}`);
      const metric = metricForChains(params.inverseMassMatrix, c, d, params.metric);
      const owned: tf.Tensor[] = [];
      let start: IntegratorState | undefined;
      let end: IntegratorState | undefined;
      try {
        const base = stepSizeColumn(params.stepSize, c);
        const stepSize = jitterKey ? tf.tidy(() => tf.mul(base, random.uniform(jitterKey, [c, 1], { minval: 1 - jitter, maxval: 1 + jitter }))) : base;
        if (stepSize !== base) base.dispose();
        owned.push(stepSize);
        const momentum = metric.sampleMomentum(momentumKey, c, d);
        owned.push(momentum);
        start = { ...state, momentum };
        end = start;
        for (let i = 0; i < steps; i++) {
          const next = integrator(end, stepSize, metric, logDensityFn);
          if (end !== start) disposeStateExcept(end, start);
          end = next;
        }
        const before = metric.kineticEnergy(momentum);
        const after = metric.kineticEnergy(end.momentum);
        const change = kineticEnergyChange(metric, momentum, end.momentum);
        owned.push(before, after, change);
        const r = await metropolisHastings({ key: acceptKey, current: state, proposal: end, kinetic: { before, after, change }, divergenceThreshold: threshold });
        const info: KernelInfo = {
          acceptanceRate: r.acceptanceRate,
          isDivergent: r.isDivergent,
          energy: r.energy,
          numIntegrationSteps: new Int32Array(c).fill(steps * stagesPerStep),
          ...(options.reportProposal ? { proposal: { position: end.position.clone(), momentum: end.momentum.clone() } } : {}),
        };
        return [r.state, info];
      } finally {
        if (start && end && end !== start) disposeStateExcept(end, start);
        for (const t of owned) t.dispose();
        metric.dispose();
      }
    },
  };
}
