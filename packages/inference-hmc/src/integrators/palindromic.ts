import * as tf from '@tensorflow/tfjs-core';
import { logDensityAndGrad } from '../internal/value-and-grad.js';
import type { Integrator, IntegratorState } from '../types.js';

/** An integrator that also says how many gradient evaluations one step costs. */
export type PalindromicIntegrator = Integrator & {
  /** The coefficients `[b1, a1, b2, a2, ...]`, momentum first (BlackJAX's convention). */
  readonly coefficients: readonly number[];
  /** Gradient evaluations per step (the number of position updates). */
  readonly numGradientEvaluations: number;
};

/**
 * A palindromic splitting integrator of the Hamiltonian H(x, p) = -log π(x) + ½ pᵀ M⁻¹ p
 * (BlackJAX's `generate_euclidean_integrator`): the coefficients alternate a momentum update
 * p ← p + bᵢ ε ∇log π(x) and a position update x ← x + aᵢ ε M⁻¹ p, starting and ending with a
 * momentum update; one gradient evaluation per position update (the gradient at the start is the
 * one the state carries). `stepSize` is `[C, 1]` (per chain, negative runs backwards). Returns
 * fresh tensors; the input state is not disposed.
 *
 * @throws RangeError when the coefficients are not palindromic with an odd count of at least 3.
 */
export function palindromicIntegrator(coefficients: readonly number[]): PalindromicIntegrator {
  const n = coefficients.length;
  if (n < 3 || n % 2 === 0 || coefficients.some((c, i) => Math.abs(c - coefficients[n - 1 - i]!) > 1e-12 || !Number.isFinite(c))) {
    throw new RangeError(`palindromicIntegrator: coefficients must be finite, palindromic and of odd length >= 3, got [${coefficients.join(', ')}]`);
  }
  const coefs = [...coefficients];
  const step: Integrator = (state, stepSize, metric, logDensityFn): IntegratorState => {
    const inputs = new Set<tf.Tensor>([state.position, state.momentum, state.logDensity, state.logDensityGrad]);
    const created: tf.Tensor[] = [];
    let { position, momentum, logDensity, logDensityGrad } = state;
    try {
      for (let i = 0; i < n; i++) {
        const coef = coefs[i]!;
        if (i % 2 === 0) {
          const [p, g] = [momentum, logDensityGrad];
          momentum = tf.tidy(() => tf.add(p, tf.mul(tf.mul(stepSize, coef), g)));
          created.push(momentum);
        } else {
          const [x, p] = [position, momentum];
          position = tf.tidy(() => tf.add(x, tf.mul(tf.mul(stepSize, coef), metric.velocity(p))));
          created.push(position);
          const next = logDensityAndGrad(logDensityFn, position);
          logDensity = next.logDensity;
          logDensityGrad = next.grad;
          created.push(logDensity, logDensityGrad);
        }
      }
    } catch (error) {
      for (const t of created) t.dispose();
      throw error;
    }
    const out = new Set<tf.Tensor>([position, momentum, logDensity, logDensityGrad]);
    for (const t of created) if (!out.has(t) && !inputs.has(t)) t.dispose();
    return { position, momentum, logDensity, logDensityGrad };
  };
  return Object.assign(step, { coefficients: Object.freeze(coefs), numGradientEvaluations: (n - 1) / 2 });
}

/** Gradient evaluations per step of an integrator: its `numGradientEvaluations`, else 1. */
export function gradientEvaluationsPerStep(integrator: Integrator): number {
  const n = (integrator as Partial<PalindromicIntegrator>).numGradientEvaluations;
  return typeof n === 'number' && n > 0 ? n : 1;
}
