/** The two test problems, on the device (float32, for valueAndGrad) and on the host (float64 gradients). */
import * as tf from '@tensorflow/tfjs-core';
import type { Leaves } from './reference.js';

export interface Problem {
  name: string;
  /** Leaf shapes in tree order (sorted keys). */
  shapes: number[][];
  /** Starting point, leaves in tree order. */
  x0: Leaves;
  /** Builds the parameter tree from leaves. */
  params(leaves: Leaves): Record<string, tf.Tensor>;
  loss(params: Record<string, tf.Tensor>): tf.Scalar;
  /** Exact gradient in float64. */
  grad(leaves: Leaves): Leaves;
}

// An ill-conditioned SPD matrix (eigenvalues about 20.3, 3.8 and 0.43: condition number about 47).
const A = [
  [20, 2, 0],
  [2, 4, 0.5],
  [0, 0.5, 0.5],
];
const b = [1, -2, 0.5];

/** 0.5 xᵀAx − bᵀx in 3 dimensions, one leaf `x` of shape [3]. */
export const quadratic: Problem = {
  name: 'quadratic',
  shapes: [[3]],
  x0: [[1, 1, -1]],
  params: (l) => ({ x: tf.tensor1d(l[0]!) }),
  loss: ({ x }) =>
    tf.tidy(() => {
      const Ax = tf.reshape(tf.matMul(tf.tensor2d(A), tf.reshape(x!, [3, 1])), [3]);
      return tf.sub(tf.mul(0.5, tf.sum(tf.mul(x!, Ax))), tf.sum(tf.mul(tf.tensor1d(b), x!))) as tf.Scalar;
    }),
  grad: ([x]) => [A.map((row, i) => row.reduce((s, a, j) => s + a * x![j]!, 0) - b[i]!)],
};

/** (1 − x)² + 100 (y − x²)², two scalar leaves `x`, `y`, from the classic start (−1.2, 1). */
export const rosenbrock: Problem = {
  name: 'rosenbrock',
  shapes: [[], []],
  x0: [[-1.2], [1]],
  params: (l) => ({ x: tf.scalar(l[0]![0]!), y: tf.scalar(l[1]![0]!) }),
  loss: ({ x, y }) => tf.tidy(() => tf.add(tf.square(tf.sub(1, x!)), tf.mul(100, tf.square(tf.sub(y!, tf.square(x!))))) as tf.Scalar),
  grad: (l) => {
    const x = l[0]![0]!;
    const y = l[1]![0]!;
    return [[-2 * (1 - x) - 400 * x * (y - x * x)], [200 * (y - x * x)]];
  },
};
