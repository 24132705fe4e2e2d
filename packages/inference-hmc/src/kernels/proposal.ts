import * as tf from '@tensorflow/tfjs-core';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import type { HmcState, Metric } from '../types.js';

/** The per-chain decisions of a Metropolis–Hastings step, on the host. */
export interface MetropolisDecision {
  /** min(1, exp(-ΔH)) (0 where ΔH is NaN), `[C]`. */
  readonly acceptanceRate: Float64Array;
  /** ΔH above the threshold, or not finite, `[C]` 0/1. */
  readonly isDivergent: Uint8Array;
  /** 1 where the proposal is taken, `[C]`. */
  readonly accepted: Uint8Array;
  /** The energy error ΔH = ΔK - Δlog π, float64, `[C]`. */
  readonly energyError: Float64Array;
}

/**
 * The Metropolis–Hastings decisions from host copies (float32 values widened to float64) of the
 * log densities before and after, the change of kinetic energy (or of any other log proposal
 * term), and one uniform per chain. ΔH = ΔK - (log π₁ - log π₀) is formed in float64 from the
 * differences, so it keeps the accuracy of the differences rather than of the total energies. A
 * chain accepts when u < min(1, exp(-ΔH)); a NaN or +∞ energy error is divergent and rejected.
 */
export function metropolisDecision(
  logDensityBefore: ArrayLike<number>,
  logDensityAfter: ArrayLike<number>,
  kineticChange: ArrayLike<number> | undefined,
  uniforms: ArrayLike<number>,
  divergenceThreshold: number,
): MetropolisDecision {
  const c = logDensityBefore.length;
  const acceptanceRate = new Float64Array(c);
  const isDivergent = new Uint8Array(c);
  const accepted = new Uint8Array(c);
  const energyError = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    const dLogp = logDensityAfter[i]! - logDensityBefore[i]!;
    const dH = (kineticChange ? kineticChange[i]! : 0) - dLogp;
    energyError[i] = dH;
    const finite = !Number.isNaN(dH) && dH !== Infinity;
    isDivergent[i] = !finite || dH > divergenceThreshold ? 1 : 0;
    const prob = finite ? Math.min(1, Math.exp(-dH)) : 0;
    acceptanceRate[i] = prob;
    accepted[i] = uniforms[i]! < prob ? 1 : 0;
  }
  return { acceptanceRate, isDivergent, accepted, energyError };
}

/**
 * K(p₁) - K(p₀) = ½ (p₁ - p₀)ᵀ M⁻¹ (p₁ + p₀) per chain, `[C]`: the change of kinetic energy
 * computed as one product of the difference, accurate to the change itself in float32 (the
 * difference of two float32 kinetic energies loses the digits that they share). Fresh tensor.
 */
export function kineticEnergyChange(metric: Metric, momentumBefore: tf.Tensor, momentumAfter: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(tf.sub(momentumAfter, momentumBefore), metric.velocity(tf.add(momentumAfter, momentumBefore))), -1)));
}

/** What {@link metropolisHastings} needs of a proposal. */
export interface MetropolisInputs {
  /** Key of the one uniform per chain. */
  readonly key: PRNGKey;
  readonly current: HmcState;
  readonly proposal: HmcState;
  /** Kinetic energies `[C]` at the start and end of the trajectory and their change; omitted for a symmetric proposal (RWM). */
  readonly kinetic?: { readonly before: tf.Tensor; readonly after: tf.Tensor; readonly change: tf.Tensor };
  /** Energy error above which a transition is divergent. */
  readonly divergenceThreshold: number;
}

/** The state after a Metropolis–Hastings step and the per-chain host decisions. */
export interface MetropolisResult extends MetropolisDecision {
  /** Fresh tensors: the proposal's rows where accepted, the current ones elsewhere. */
  readonly state: HmcState;
  /** -log π + K at the returned point (K omitted when there is no kinetic energy), float64 `[C]`. */
  readonly energy: Float64Array;
}

/**
 * Shared accept/reject of HMC, MALA and RWM: draws one uniform per chain from `key`, reads the log
 * densities, kinetic energies and uniforms back in one transfer, decides on the host in float64
 * ({@link metropolisDecision}) and selects accepted rows with `tf.where`. Does not dispose its
 * inputs.
 */
export async function metropolisHastings(inputs: MetropolisInputs): Promise<MetropolisResult> {
  const { current, proposal, kinetic } = inputs;
  const c = current.position.shape[0]!;
  const packed = tf.tidy(() => {
    const zero = tf.zeros([c]);
    const u = random.uniform(inputs.key, [c]);
    return tf.stack([current.logDensity, proposal.logDensity, kinetic?.change ?? zero, kinetic?.before ?? zero, kinetic?.after ?? zero, u]);
  });
  let host: Float32Array;
  try {
    host = (await packed.data()) as Float32Array;
  } finally {
    packed.dispose();
  }
  const row = (r: number) => host.subarray(r * c, (r + 1) * c);
  const [lp0, lp1, dK, k0, k1, u] = [row(0), row(1), row(2), row(3), row(4), row(5)];
  const decision = metropolisDecision(lp0, lp1, kinetic ? dK : undefined, u, inputs.divergenceThreshold);
  const energy = new Float64Array(c);
  for (let i = 0; i < c; i++) energy[i] = decision.accepted[i] ? k1[i]! - lp1[i]! : k0[i]! - lp0[i]!;
  const state = selectRows(decision.accepted, proposal, current);
  return { ...decision, energy, state };
}

/** Rows of `ifTrue` where `mask` is 1 and of `ifFalse` elsewhere, as fresh tensors. */
export function selectRows(mask: Uint8Array, ifTrue: HmcState, ifFalse: HmcState): HmcState {
  return tf.tidy(() => {
    const c = mask.length;
    const m = tf.tensor1d(Array.from(mask, (v) => v === 1), 'bool');
    const column = tf.reshape(m, [c, 1]);
    return {
      position: tf.where(column, ifTrue.position, ifFalse.position),
      logDensity: tf.where(m, ifTrue.logDensity, ifFalse.logDensity),
      logDensityGrad: tf.where(column, ifTrue.logDensityGrad, ifFalse.logDensityGrad),
    };
  });
}
