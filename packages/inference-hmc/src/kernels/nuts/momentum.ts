import * as tf from '@tensorflow/tfjs-core';
import { cholesky, triangularSolve } from '@probdl/tensor-backend';
import type { Metric } from '../../types.js';

/**
 * Momenta p ~ N(0, M) from standard normals `z` `[C, D]`: p = z / sqrt(M⁻¹) (diagonal) or
 * p = L⁻ᵀ z with M⁻¹ = L Lᵀ (dense), the same map as the metric's `sampleMomentum`, so each
 * chain's momentum depends only on its own normals. Fresh tensor.
 */
export function momentumFromNormals(metric: Metric, z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const invMass = metric.inverseMassMatrix;
    if (metric.kind === 'diagonal') return tf.mul(z, tf.rsqrt(invMass));
    const lower = cholesky(invMass);
    // Shared factor: one solve with the C momenta as right-hand sides, Lᵀ Pᵀ = Zᵀ.
    if (lower.rank === 2) return tf.transpose(triangularSolve(lower, tf.transpose(z), { lower: true, transpose: true }));
    return tf.squeeze(triangularSolve(lower, tf.expandDims(z, -1), { lower: true, transpose: true }), [-1]);
  });
}
