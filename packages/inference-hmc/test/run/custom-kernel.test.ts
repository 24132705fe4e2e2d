import * as tf from '@tensorflow/tfjs-core';
import { key, random, split } from '@probdl/tensor-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { velocityVerlet } from '../../src/integrators/velocity-verlet.js';
import { stateAt } from '../../src/internal/value-and-grad.js';
import { metricForChains } from '../../src/metrics/for-chains.js';
import { sample, SampleAbortError } from '../../src/run/index.js';
import type { HmcParams, HmcState, IntegratorState, Kernel } from '../../src/types.js';
import { analyticPosterior, normalModel, Y } from './fixtures/normal-model.js';

/** A tiny fixed-step HMC written here, independent of src/kernels: the runner takes any Kernel object. */
function testHmc(numSteps: number): Kernel<HmcParams> {
  return {
    init: (position, fn) => stateAt(fn, position),
    async step(k, state, fn, params): Promise<[HmcState, ReturnType<typeof info>]> {
      const [c, d] = state.position.shape as [number, number];
      const [momentumKey, uniformKey] = split(k) as [typeof k, typeof k];
      const metric = metricForChains(params.inverseMassMatrix, c, d);
      const eps = tf.tensor2d(typeof params.stepSize === 'number' ? new Float32Array(c).fill(params.stepSize) : Float32Array.from(params.stepSize), [c, 1]);
      const momentum = metric.sampleMomentum(momentumKey, c, d);
      let end: IntegratorState = { ...state, momentum };
      for (let i = 0; i < numSteps; i++) {
        const next = velocityVerlet(end, eps, metric, fn);
        if (end.momentum !== momentum) tf.dispose([end.position, end.momentum, end.logDensity, end.logDensityGrad]);
        end = next;
      }
      const packed = tf.tidy(() => tf.stack([state.logDensity, end.logDensity, metric.kineticEnergy(momentum), metric.kineticEnergy(end.momentum), random.uniform(uniformKey, [c])]));
      const h = await packed.data();
      const accepted = new Uint8Array(c);
      const acceptanceRate = new Float64Array(c);
      const energy = new Float64Array(c);
      for (let i = 0; i < c; i++) {
        const logRatio = h[c + i]! - h[3 * c + i]! - (h[i]! - h[2 * c + i]!);
        acceptanceRate[i] = Number.isNaN(logRatio) ? 0 : Math.min(1, Math.exp(logRatio));
        accepted[i] = Math.log(h[4 * c + i]!) < logRatio ? 1 : 0;
        energy[i] = accepted[i] ? h[3 * c + i]! - h[c + i]! : h[2 * c + i]! - h[i]!;
      }
      const next = tf.tidy(() => {
        const m = tf.tensor1d(Array.from(accepted, (a) => a === 1), 'bool');
        const col = tf.reshape(m, [c, 1]);
        return {
          position: tf.where(col, end.position, state.position),
          logDensity: tf.where(m, end.logDensity, state.logDensity),
          logDensityGrad: tf.where(col, end.logDensityGrad, state.logDensityGrad),
        };
      });
      tf.dispose([packed, eps, momentum, end.position, end.momentum, end.logDensity, end.logDensityGrad]);
      metric.dispose();
      return [next, info(acceptanceRate, energy, c, numSteps)];
    },
  };
}

function info(acceptanceRate: Float64Array, energy: Float64Array, c: number, numSteps: number) {
  return { acceptanceRate, isDivergent: new Uint8Array(c), energy, numIntegrationSteps: new Int32Array(c).fill(numSteps) };
}

let y: tf.Tensor;
beforeAll(() => {
  y = tf.tensor1d(Y);
});
afterAll(() => y.dispose());

describe('sample with a kernel object', () => {
  it('runs a kernel written outside src/kernels with window adaptation and finds the posterior of mu', async () => {
    const r = await sample(key(20), { model: normalModel, args: [y] }, { kernel: testHmc(4), numWarmup: 75, numSamples: 150, numChains: 2 });
    const row = r.summary().rows.find((x) => x.name === 'mu')!;
    // Within 4 Monte Carlo standard errors (from bulk ESS) of the analytic posterior mean.
    expect(Math.abs(row.mean - analyticPosterior().mu.mean)).toBeLessThan(4 * row.mcseMean);
    expect(r.checkpoint.options.kernel).toBe('custom');
  }, 60_000);

  it('a checkpoint of a kernel object needs the kernel again to resume', async () => {
    const controller = new AbortController();
    const options = { kernel: testHmc(2), numWarmup: 10, numSamples: 10, numChains: 2, progressEvery: 1, signal: controller.signal, progress: () => controller.abort() };
    const err = (await sample(key(21), { model: normalModel, args: [y] }, options).catch((e: unknown) => e)) as SampleAbortError;
    expect(err).toBeInstanceOf(SampleAbortError);
    await expect(sample(key(21), { model: normalModel, args: [y] }, { numWarmup: 10, numSamples: 10, numChains: 2, resumeFrom: err.checkpoint })).rejects.toThrow(/options\.kernel/);
    const resumed = await sample(key(21), { model: normalModel, args: [y] }, { kernel: testHmc(2), numWarmup: 10, numSamples: 10, numChains: 2, resumeFrom: err.checkpoint });
    expect(resumed.draws.mu!.shape).toEqual([2, 10]);
  });
});
