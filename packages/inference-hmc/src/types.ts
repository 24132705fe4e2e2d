import type * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';

/**
 * A log density over a batch of positions: `[C, D] -> [C]`, differentiable. Chains are rows, so
 * one call serves every chain (DESIGN.md, "Batching instead of vmap"). `logDensity(model, args)
 * .logDensityFn` from @probdl/model has exactly this form.
 */
export type LogDensityFn = (position: tf.Tensor) => tf.Tensor;

/** Where a chain is, with its log density and gradient (all C chains as one batch). */
export interface HmcState {
  /** `[C, D]`. */
  readonly position: tf.Tensor;
  /** `[C]`. */
  readonly logDensity: tf.Tensor;
  /** `[C, D]`. */
  readonly logDensityGrad: tf.Tensor;
}

/** A point of phase space for the integrators. */
export interface IntegratorState extends HmcState {
  /** `[C, D]`. */
  readonly momentum: tf.Tensor;
}

/**
 * The inverse mass matrix: `[D]` (diagonal) or `[D, D]` (dense) shared by every chain, or
 * `[C, D]` / `[C, D, D]` per chain.
 */
export type InverseMassMatrix = tf.Tensor;

/** A Euclidean metric built from an inverse mass matrix (BlackJAX's `metrics.gaussian_euclidean`). */
export interface Metric {
  readonly kind: 'diagonal' | 'dense';
  readonly inverseMassMatrix: InverseMassMatrix;
  /** Momentum ~ N(0, M), shape `[C, D]`. */
  sampleMomentum(key: PRNGKey, numChains: number, dim: number): tf.Tensor;
  /** ½ pᵀ M⁻¹ p per chain, `[C]`. */
  kineticEnergy(momentum: tf.Tensor): tf.Tensor;
  /** M⁻¹ p, `[C, D]` (the position velocity). */
  velocity(momentum: tf.Tensor): tf.Tensor;
  /**
   * The generalised U-turn criterion of a trajectory with end momenta `left`, `right` and momentum
   * sum `sum` (Betancourt 2017, as in Stan, NumPyro and BlackJAX): bool `[C]`.
   */
  isTurning(momentumLeft: tf.Tensor, momentumRight: tf.Tensor, momentumSum: tf.Tensor): tf.Tensor;
  /** Frees tensors the metric created. */
  dispose(): void;
}

/**
 * One integrator step of size `stepSize` (`[C, 1]`, per chain, may be negative to run backwards)
 * from `state`: returns a fresh state (BlackJAX's integrators).
 */
export type Integrator = (state: IntegratorState, stepSize: tf.Tensor, metric: Metric, logDensityFn: LogDensityFn) => IntegratorState;

/** Per-chain step sizes: one number for all chains, or one per chain. */
export type StepSize = number | Float64Array;

/** What every kernel reports per step, per chain, on the host (float64). */
export interface KernelInfo {
  /** Mean Metropolis acceptance probability of the step (NUTS: over the trajectory), `[C]`. */
  readonly acceptanceRate: Float64Array;
  /** Whether the step hit a divergence (energy error above the threshold), `[C]` 0/1. */
  readonly isDivergent: Uint8Array;
  /** Hamiltonian (potential + kinetic) at the accepted point, `[C]` (for E-BFMI). */
  readonly energy: Float64Array;
  /** Gradient evaluations the step spent, `[C]`. */
  readonly numIntegrationSteps: Int32Array;
  /** NUTS: depth of the tree, `[C]`. */
  readonly treeDepth?: Int32Array;
  /**
   * Where the trajectories ended before the accept/reject (`[C, D]` tensors), when the kernel was
   * asked to report it (`hmc({ reportProposal: true })`, for ChEES). The caller disposes them.
   */
  readonly proposal?: { readonly position: tf.Tensor; readonly momentum: tf.Tensor };
}

/**
 * A transition kernel over a batch of chains (BlackJAX style): `init` builds the state at a
 * position; `step` moves every chain once. Steps are asynchronous because their decisions read
 * values back from the device (WebGPU readback is asynchronous only).
 */
export interface Kernel<P> {
  init(position: tf.Tensor, logDensityFn: LogDensityFn): HmcState;
  step(key: PRNGKey, state: HmcState, logDensityFn: LogDensityFn, params: P): Promise<[HmcState, KernelInfo]>;
  /**
   * Optional: `numTransitions` transitions with fixed parameters in one call, transition t with
   * key `keyOf(t)` (what `step` would get), giving the same draws as that many `step` calls but
   * free to run chains asynchronously (NUTS on the host: a chain that finishes a transition starts
   * the next without waiting for the others). Resolves to undefined when `control.signal` aborted
   * it (nothing of the call is kept). `state` is not disposed.
   */
  steps?(keyOf: (t: number) => PRNGKey, state: HmcState, logDensityFn: LogDensityFn, params: P, numTransitions: number, control?: StepsControl): Promise<StepsResult | undefined>;
}

/** Control of a {@link Kernel.steps} call. */
export interface StepsControl {
  readonly signal?: AbortSignal | undefined;
  /** Awaited between batched evaluations (lets timers and UI events run). */
  readonly pause?: () => Promise<void>;
  /** Whether transition t's draws are wanted in {@link StepsResult.draws} (default all). */
  readonly keep?: (t: number) => boolean;
}

/** What {@link Kernel.steps} returns. */
export interface StepsResult {
  /** The state after the last transition (fresh tensors). */
  readonly state: HmcState;
  /** Per transition, the per-chain info. */
  readonly infos: KernelInfo[];
  /** Per transition, `[C, D + 1]` rows of float32 position and log density (undefined where not kept). */
  readonly draws: (Float32Array | undefined)[];
}

/** Parameters every gradient-based kernel takes. */
export interface HmcParams {
  readonly stepSize: StepSize;
  readonly inverseMassMatrix: InverseMassMatrix;
  /**
   * Whether a rank-2 `inverseMassMatrix` is dense `[D, D]` or per-chain diagonal `[C, D]`; without
   * it the shape decides, and C = D reads as dense. Adaptation always says.
   */
  readonly metric?: 'diagonal' | 'dense';
  /** HMC: integration steps of this transition, overriding the kernel's (ChEES jitters it). */
  readonly numIntegrationSteps?: number;
}
