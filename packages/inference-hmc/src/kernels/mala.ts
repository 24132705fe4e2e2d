import * as tf from '@tensorflow/tfjs-core';
import { split } from '@probdl/tensor-backend';
import { velocityVerlet } from '../integrators/velocity-verlet.js';
import { stateAt } from '../internal/value-and-grad.js';
import { metricForChains } from '../metrics/for-chains.js';
import type { HmcParams, HmcState, IntegratorState, Kernel, KernelInfo } from '../types.js';
import { kineticEnergyChange, metropolisHastings } from './proposal.js';
import { stepSizeColumn } from './step-size.js';

/** Options of {@link mala}. */
export interface MalaOptions {
  /** Energy error (minus log acceptance ratio) above which a step is divergent (default 1000). */
  readonly divergenceThreshold?: number;
}

/**
 * Metropolis-adjusted Langevin (BlackJAX's `mala`, preconditioned by the inverse mass matrix
 * A = M⁻¹): the proposal is x' = x + ε A ∇log π(x) + √(2ε) ξ with ξ ~ N(0, A), accepted with
 * probability min(1, π(x') q(x | x') / (π(x) q(x' | x))), where q(· | y) = N(y + ε A ∇log π(y), 2ε A)
 * is asymmetric. Writing ξ = h A p with h = √(2ε) and p ~ N(0, M) makes the proposal one leapfrog
 * step of size h: then log q(x' | x) = -K(p) + c and log q(x | x') = -K(-p') + c with p' the
 * leapfrog's end momentum, so the log ratio is Δlog π - ΔK and is formed, like HMC's, from
 * differences in float64 on the host. `ε` is `params.stepSize` (per chain allowed);
 * `info.numIntegrationSteps` is 1 and `info.energy` is -log π + K at the returned point.
 */
export function mala(options: MalaOptions = {}): Kernel<HmcParams> {
  const threshold = options.divergenceThreshold ?? 1000;
  if (!(threshold > 0)) throw new RangeError(`mala: divergenceThreshold must be positive, got ${threshold}`);
  return {
    init: (position, logDensityFn) => stateAt(logDensityFn, position),
    async step(key, state, logDensityFn, params): Promise<[HmcState, KernelInfo]> {
      const [c, d] = state.position.shape as [number, number];
      const [noiseKey, acceptKey] = split(key) as [typeof key, typeof key];
      const metric = metricForChains(params.inverseMassMatrix, c, d);
      const owned: tf.Tensor[] = [];
      try {
        const epsilon = stepSizeColumn(params.stepSize, c);
        owned.push(epsilon);
        const h = tf.tidy(() => tf.sqrt(tf.mul(2, epsilon)));
        owned.push(h);
        const momentum = metric.sampleMomentum(noiseKey, c, d);
        owned.push(momentum);
        const end: IntegratorState = velocityVerlet({ ...state, momentum }, h, metric, logDensityFn);
        owned.push(end.position, end.momentum, end.logDensity, end.logDensityGrad);
        const before = metric.kineticEnergy(momentum);
        const after = metric.kineticEnergy(end.momentum);
        const change = kineticEnergyChange(metric, momentum, end.momentum);
        owned.push(before, after, change);
        const r = await metropolisHastings({ key: acceptKey, current: state, proposal: end, kinetic: { before, after, change }, divergenceThreshold: threshold });
        return [r.state, { acceptanceRate: r.acceptanceRate, isDivergent: r.isDivergent, energy: r.energy, numIntegrationSteps: new Int32Array(c).fill(1) }];
      } finally {
        for (const t of owned) t.dispose();
        metric.dispose();
      }
    },
  };
}
