/**
 * Raw gradient evaluations per second of each benchmark posterior's log density (tensor-backend
 * `valueAndGrad` of the summed batch, via `logDensityAndGrad`), for C = 1, 4, 64, 1024 chains as
 * one batch: the ceiling the samplers are measured against (bench/nuts.bench.ts prints the
 * sampler/raw ratio). Includes the 4-weight ReLU network of the Indaba practical, whose Stan
 * figure the issue gives as about 600,000 gradient evaluations per second.
 *
 * The `host` and `replayed` variants (cpu and wasm) are what lockstep NUTS does each round: host
 * positions in, host values out; `host` through tfjs's engine, `replayed` by `traceKernels`
 * (`tracedLogDensity`), so their ratio is what the replay saves.
 */
import { defineBenchmarks, defineCase, type BenchCase } from '@probdl/bench';
import { ALL_POSTERIORS, loadBenchPosterior, type BenchPosterior, type BenchPosteriorName } from './support/posteriors.js';
import * as tf from '@tensorflow/tfjs-core';
import { gradientCalls, gradientPositions } from './support/gradient-rate.js';
import { hostLogDensityAndGrad } from '../src/internal/host-gradient.js';
import { tracedLogDensity, type TracedLogDensity } from '../src/internal/traced-log-density.js';

/** Batch sizes (chains). */
export const CHAIN_COUNTS = [1, 4, 64, 1024] as const;

interface State {
  posterior: BenchPosterior;
  position: tf.Tensor;
}

function gradientCase(name: BenchPosteriorName, numChains: number): BenchCase<State> {
  // Enough batched calls per timed run that the readback is a small part of it.
  const calls = numChains <= 4 ? 20 : numChains <= 64 ? 5 : 1;
  return defineCase<State>({
    name: `${name} C=${numChains}`,
    unit: 'chain-gradient',
    itemsPerRun: calls * numChains,
    sync: `await the last gradient after ${calls} batched call(s)`,
    params: { posterior: name, chains: numChains, callsPerRun: calls },
    setup: async () => {
      const posterior = await loadBenchPosterior(name);
      if (posterior === undefined) throw new Error(`${name}: reference files missing (../shared/reference/posteriordb)`);
      return { posterior, position: gradientPositions(posterior, numChains) };
    },
    run: ({ state }) => gradientCalls(state.posterior, state.position, calls),
    teardown: ({ state }) => {
      state.position.dispose();
      state.posterior.dispose();
    },
  });
}

interface HostState {
  posterior: BenchPosterior;
  position: Float32Array;
  traced: TracedLogDensity | undefined;
}

function hostGradientCase(name: BenchPosteriorName, numChains: number, replayed: boolean): BenchCase<HostState> {
  const calls = numChains <= 4 ? 20 : numChains <= 64 ? 5 : 1;
  return defineCase<HostState>({
    name: `${name} C=${numChains} ${replayed ? 'replayed' : 'host'}`,
    unit: 'chain-gradient',
    itemsPerRun: calls * numChains,
    sync: `${calls} call(s), each read back to the host`,
    params: { posterior: name, chains: numChains, callsPerRun: calls, replayed },
    // The JavaScript cpu backend takes tens of seconds per call on the big regression.
    backends: name === 'lr-25x10000' && numChains >= 64 ? ['wasm'] : ['cpu', 'wasm'],
    setup: async () => {
      const posterior = await loadBenchPosterior(name);
      if (posterior === undefined) throw new Error(`${name}: reference files missing (../shared/reference/posteriordb)`);
      const t = gradientPositions(posterior, numChains);
      const position = (await t.data()) as Float32Array;
      t.dispose();
      return { posterior, position, traced: replayed ? tracedLogDensity(posterior.logDensityFn) : undefined };
    },
    run: async ({ state }) => {
      const fn = state.traced?.logDensityFn ?? state.posterior.logDensityFn;
      for (let i = 0; i < calls; i++) await hostLogDensityAndGrad(fn, state.position, numChains, state.posterior.dim);
    },
    teardown: ({ state }) => {
      state.traced?.dispose();
      state.posterior.dispose();
    },
  });
}

export default defineBenchmarks({
  package: '@probdl/inference-hmc',
  description: 'Raw log-density gradient evaluations per chain per second (the samplers\' baseline), C = 1, 4, 64, 1024 chains per batch.',
  cases: [
    ...ALL_POSTERIORS.flatMap((name) => CHAIN_COUNTS.map((C) => gradientCase(name, C))),
    ...ALL_POSTERIORS.flatMap((name) => CHAIN_COUNTS.flatMap((C) => [hostGradientCase(name, C, false), hostGradientCase(name, C, true)])),
  ],
});
