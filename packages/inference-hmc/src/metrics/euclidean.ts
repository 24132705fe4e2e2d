import * as tf from '@tensorflow/tfjs-core';
import { cholesky, random, triangularSolve, type PRNGKey } from '@probdl/tensor-backend';
import type { InverseMassMatrix, Metric } from '../types.js';

/**
 * The Gaussian Euclidean metric of an inverse mass matrix M⁻¹: diagonal (`[D]`, or `[C, D]` per
 * chain with `kind: 'diagonal'`) or dense (`[D, D]` or `[C, D, D]`). Momenta are drawn as p = L⁻ᵀ z with M⁻¹ = L Lᵀ, so
 * p ~ N(0, M) without forming M. The metric keeps a reference to `inverseMassMatrix` (the caller
 * still owns it) and owns its Cholesky factor (freed by `dispose`).
 */
export function euclideanMetric(inverseMassMatrix: InverseMassMatrix, kind?: 'diagonal' | 'dense'): Metric {
  const r = inverseMassMatrix.rank;
  // Rank 1 is diagonal and rank 3 dense; rank 2 is dense ([D, D]) unless `kind` says 'diagonal' ([C, D] per chain).
  const dense = kind ? kind === 'dense' : r !== 1;
  if (!dense) {
    if (r !== 1 && r !== 2) throw new RangeError(`euclideanMetric: a diagonal inverseMassMatrix must be [D] or [C, D], got [${inverseMassMatrix.shape.join(', ')}]`);
    const invMass = inverseMassMatrix;
    const sqrtMass = tf.keep(tf.tidy(() => tf.rsqrt(invMass)));
    return {
      kind: 'diagonal',
      inverseMassMatrix: invMass,
      sampleMomentum: (key: PRNGKey, c: number, d: number) => tf.tidy(() => tf.mul(random.normal(key, [c, d]), sqrtMass)),
      kineticEnergy: (p) => tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(tf.square(p), invMass), -1))),
      velocity: (p) => tf.tidy(() => tf.mul(p, invMass)),
      isTurning: (left, right, sum) =>
        tf.tidy(() => {
          const vLeft = tf.mul(left, invMass);
          const vRight = tf.mul(right, invMass);
          // Stan's criterion with the momentum sum centred (NumPyro / BlackJAX form): ρ - (p⁻ + p⁺)/2.
          const rho = tf.sub(sum, tf.div(tf.add(left, right), 2));
          return tf.logicalOr(tf.lessEqual(tf.sum(tf.mul(vLeft, rho), -1), 0), tf.lessEqual(tf.sum(tf.mul(vRight, rho), -1), 0));
        }),
      dispose: () => sqrtMass.dispose(),
    };
  }
  if (r !== 2 && r !== 3) throw new RangeError(`euclideanMetric: a dense inverseMassMatrix must be [D, D] or [C, D, D], got [${inverseMassMatrix.shape.join(', ')}]`);
  const invMass = inverseMassMatrix;
  const lower = tf.keep(cholesky(invMass));
  // M⁻¹ p per chain. A shared [D, D] matrix is symmetric, so the rows are p M⁻¹: one [C, D] x [D, D]
  // matmul instead of broadcasting the matrix to [C, D, D].
  const matvec = (m: tf.Tensor, p: tf.Tensor) => (m.rank === 2 ? tf.matMul(p, m) : tf.squeeze(tf.matMul(m, tf.expandDims(p, -1)), [-1]));
  return {
    kind: 'dense',
    inverseMassMatrix: invMass,
    sampleMomentum: (key: PRNGKey, c: number, d: number) =>
      tf.tidy(() => {
        // p = L⁻ᵀ z: solve Lᵀ p = z (a shared factor solves all chains at once as columns).
        const z = random.normal(key, [c, d]);
        if (lower.rank === 2) return tf.transpose(triangularSolve(lower, tf.transpose(z), { lower: true, transpose: true }));
        return tf.squeeze(triangularSolve(lower, tf.expandDims(z, -1), { lower: true, transpose: true }), [-1]);
      }),
    kineticEnergy: (p) => tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(p, matvec(invMass, p)), -1))),
    velocity: (p) => tf.tidy(() => matvec(invMass, p)),
    isTurning: (left, right, sum) =>
      tf.tidy(() => {
        const vLeft = matvec(invMass, left);
        const vRight = matvec(invMass, right);
        const rho = tf.sub(sum, tf.div(tf.add(left, right), 2));
        return tf.logicalOr(tf.lessEqual(tf.sum(tf.mul(vLeft, rho), -1), 0), tf.lessEqual(tf.sum(tf.mul(vRight, rho), -1), 0));
      }),
    dispose: () => lower.dispose(),
  };
}
