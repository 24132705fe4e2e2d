import * as tf from '@tensorflow/tfjs-core';
import { split } from '@probdl/tensor-backend';
import { logDensityAndGrad, stateAt } from '../internal/value-and-grad.js';
import { metricForChains } from '../metrics/for-chains.js';
import type { HmcParams, HmcState, Kernel, KernelInfo } from '../types.js';
import { metropolisHastings } from './proposal.js';
import { stepSizeColumn } from './step-size.js';

/**
 * Random-walk Metropolis with the Gaussian proposal x' = x + ε ξ, ξ ~ N(0, M⁻¹) (for a diagonal
 * metric ε·√(M⁻¹) elementwise times a standard normal), ε = `params.stepSize` per chain. The
 * proposal is symmetric, so a chain accepts with probability min(1, π(x')/π(x)), decided on the
 * host in float64 from the change of log density. The state keeps the gradient so that it can be
 * handed to the gradient-based kernels (one gradient evaluation per step,
 * `info.numIntegrationSteps` 1). `info.energy` is -log π at the returned point; only a NaN or +∞
 * log-density drop counts as divergent (and is rejected).
 */
export function rwm(): Kernel<HmcParams> {
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
        const p = metric.sampleMomentum(noiseKey, c, d);
        owned.push(p);
        // M⁻¹ p ~ N(0, M⁻¹) when p ~ N(0, M).
        const position = tf.tidy(() => tf.add(state.position, tf.mul(epsilon, metric.velocity(p))));
        owned.push(position);
        const { logDensity, grad } = logDensityAndGrad(logDensityFn, position);
        owned.push(logDensity, grad);
        const r = await metropolisHastings({ key: acceptKey, current: state, proposal: { position, logDensity, logDensityGrad: grad }, divergenceThreshold: Infinity });
        return [r.state, { acceptanceRate: r.acceptanceRate, isDivergent: r.isDivergent, energy: r.energy, numIntegrationSteps: new Int32Array(c).fill(1) }];
      } finally {
        for (const t of owned) t.dispose();
        metric.dispose();
      }
    },
  };
}
