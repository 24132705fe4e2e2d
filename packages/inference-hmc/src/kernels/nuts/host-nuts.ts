import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import type { HostMetric } from '../../metrics/host-metric.js';
import type { HmcState, KernelInfo, LogDensityFn } from '../../types.js';
import { runChains } from './chain-scheduler.js';
import { ChainNuts, type ChainPoint, type ChainTransitionResult } from './chain-transition.js';

/** What the host NUTS paths need besides the state. */
export interface HostNutsSetup {
  readonly metric: HostMetric;
  /** Step size per chain (float64; rounded to float32 as the device path does). */
  readonly stepSize: Float64Array;
  readonly coefficients: readonly number[];
  readonly maxTreeDepth: number;
  readonly divergenceThreshold: number;
  /**
   * Whether a row's log density depends on that row only: then each evaluation takes only the
   * chains that need a gradient, as a smaller batch, instead of every chain.
   */
  readonly independentRows: boolean;
}

/** A run of several transitions per chain (see {@link hostNutsRun}). */
export interface HostNutsRun {
  /** Transitions per chain. */
  readonly numTransitions: number;
  /** The key of chain c's transition t. */
  keyOf(chain: number, transition: number): PRNGKey;
  /** Called when chain c finishes transition t (the result's arrays are only valid during the call). */
  onResult(chain: number, transition: number, result: ChainTransitionResult): void;
  /** Checked between evaluations; true stops the run early. */
  shouldStop?(): boolean;
  /** Awaited between evaluations. */
  pause?(): Promise<void>;
}

/** Host copies of a batch state `[C, D]`. */
export async function hostPoints(state: HmcState): Promise<ChainPoint[]> {
  const [C, D] = state.position.shape as [number, number];
  const [q, lp, g] = await Promise.all([state.position.data(), state.logDensity.data(), state.logDensityGrad.data()]);
  return Array.from({ length: C }, (_, c) => ({
    q: Float64Array.from(q.subarray(c * D, c * D + D)),
    g: Float64Array.from(g.subarray(c * D, c * D + D)),
    logp: lp[c]!,
  }));
}

/**
 * Runs `run.numTransitions` NUTS transitions of every chain from `start` (host points, updated in
 * place to each chain's last point), chains asynchronously: a chain that finishes a transition
 * starts its next one at once, and each batched gradient evaluation serves every chain that needs
 * one, wherever it is in its tree. Chain c's transition t draws from `run.keyOf(c, t)` alone, so
 * the results equal running the transitions one at a time in lockstep. Returns false when stopped.
 */
export async function hostNutsRun(start: ChainPoint[], logDensityFn: LogDensityFn, setup: HostNutsSetup, run: HostNutsRun): Promise<boolean> {
  const C = start.length;
  const D = start[0]?.q.length ?? 0;
  const restRows = new Float32Array(C * D);
  for (let c = 0; c < C; c++) restRows.set(start[c]!.q, c * D);
  const settings = { metric: setup.metric, coefficients: setup.coefficients, maxTreeDepth: setup.maxTreeDepth, divergenceThreshold: setup.divergenceThreshold };
  const chains = Array.from({ length: C }, (_, c) => new ChainNuts(c, settings));
  const transition = new Int32Array(C);
  const onDone = (c: number): boolean => {
    const t = transition[c]!;
    const chain = chains[c]!;
    const result = chain.result;
    run.onResult(c, t, result);
    // Carried as float32, as a state between `step` calls is: the same draws either way.
    const point = start[c]!;
    for (let j = 0; j < D; j++) {
      point.q[j] = Math.fround(result.q[j]!);
      point.g[j] = Math.fround(result.g[j]!);
    }
    point.logp = Math.fround(result.logp);
    transition[c] = t + 1;
    if (t + 1 >= run.numTransitions) return false;
    chain.begin(run.keyOf(c, t + 1), point, setup.stepSize[c]!);
    return true;
  };
  for (let c = 0; c < C; c++) if (run.numTransitions > 0) chains[c]!.begin(run.keyOf(c, 0), start[c]!, setup.stepSize[c]!);
  if (run.numTransitions <= 0) return true;
  return runChains(chains, {
    logDensityFn,
    dim: D,
    independentRows: setup.independentRows,
    restRows,
    onDone,
    ...(run.shouldStop ? { shouldStop: () => run.shouldStop!() } : {}),
    ...(run.pause ? { pause: () => run.pause!() } : {}),
  });
}

/**
 * One NUTS transition of C chains with the trajectories kept on the host in float64 (the device
 * path's algorithm and randomness, see `nutsTransition`): each round of integrator steps is one
 * batched gradient evaluation and one `[C, D + 1]` readback; the tree bookkeeping (multinomial
 * choices, U-turn checks from O(depth) checkpoints, divergences, merges) runs per chain in
 * JavaScript, so it costs no kernels. Positions and momenta stay float64 between evaluations.
 */
export async function hostNutsTransition(chainKeys: readonly PRNGKey[], state: HmcState, logDensityFn: LogDensityFn, setup: HostNutsSetup): Promise<[HmcState, KernelInfo]> {
  const [C, D] = state.position.shape as [number, number];
  if (chainKeys.length !== C) throw new RangeError(`nuts: chainKeys must have one key per chain (${C}), got ${chainKeys.length}`);
  const points = await hostPoints(state);
  const acceptanceRate = new Float64Array(C);
  const isDivergent = new Uint8Array(C);
  const energy = new Float64Array(C);
  const numIntegrationSteps = new Int32Array(C);
  const treeDepth = new Int32Array(C);
  await hostNutsRun(points, logDensityFn, setup, {
    numTransitions: 1,
    keyOf: (c) => chainKeys[c]!,
    onResult: (c, _t, r) => {
      acceptanceRate[c] = r.acceptanceRate;
      isDivergent[c] = r.divergent ? 1 : 0;
      energy[c] = r.energy;
      numIntegrationSteps[c] = r.numSteps;
      treeDepth[c] = r.depth;
    },
  });
  return [hostState(points, D), { acceptanceRate, isDivergent, energy, numIntegrationSteps, treeDepth }];
}

/** A batch state (fresh float32 tensors) from host points. */
export function hostState(points: readonly ChainPoint[], dim: number): HmcState {
  const C = points.length;
  const q = new Float32Array(C * dim);
  const g = new Float32Array(C * dim);
  const lp = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    q.set(points[c]!.q, c * dim);
    g.set(points[c]!.g, c * dim);
    lp[c] = points[c]!.logp;
  }
  return { position: tf.tensor2d(q, [C, dim]), logDensity: tf.tensor1d(lp), logDensityGrad: tf.tensor2d(g, [C, dim]) };
}
