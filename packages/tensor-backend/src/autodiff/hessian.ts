import * as tf from '@tensorflow/tfjs-core';
import { ravel } from '../tree/ravel.js';
import type { TreeLike } from '../tree/types.js';
import { differentiableLeaves } from './gradients.js';
import { jacobianImpl } from './jacobian.js';
import { valueAndGradImpl } from './value-and-grad.js';

/**
 * `hessian(f)` is a function that returns the Hessian of a scalar `f` at `x`: the Jacobian of its
 * gradient, by reverse over reverse mode (tfjs-core differentiates through its own gradients).
 *
 * - Tensor input of shape `s`: a tensor of shape `[...s, ...s]`.
 * - Tree input: the `[n, n]` matrix over the ravelled tree (`ravel(x).flat`, leaves in tree order),
 *   which is what a Laplace approximation or a Newton step needs (JAX returns a tree of trees).
 *
 * Cost: `n` forward passes and `n` double backward passes, `n` the number of inputs; for small `n`.
 * Same conventions as `valueAndGrad` (float32 leaves, scalar float32 value, extra arguments not
 * differentiated, tidy).
 *
 * Second derivatives through tfjs-core 4.22 ops, checked against float64 formulas on cpu, wasm and
 * WebGPU (test/autodiff/second-order-ops.test.ts): add/sub/mul/div/pow/square/reciprocal,
 * exp/expm1/log/log1p/sqrt/rsqrt, sigmoid/logSigmoid/softplus/tanh, sin/cos/tan/sinh/cosh,
 * asin/acos/atan/asinh, erf, abs, relu/relu6/leakyRelu/prelu/selu, maximum/minimum/clipByValue/
 * where, max/min/logSumExp, softmax/logSoftmax, matMul (plain and fused with an activation), sum,
 * mean. Ops that read their own output (exp, sigmoid, tanh, softmax, max, fused activations, ...)
 * and comparisons work only thanks to this module's tape repairs: raw `tf.grad(tf.grad(f))` throws
 * or silently drops terms for them (tensorflow/tfjs#3252). No second derivative in tfjs-core:
 * `elu` (EluGrad), `avgPool` (AvgPoolGrad), `maxPool` (MaxPoolGrad); the error names the op.
 * `prod` has no gradient at all unless tfjs-core's chained ops are registered (its gradient calls
 * `x.reshape`).
 */
export function hessian<X extends TreeLike, A extends unknown[]>(
  f: (x: X, ...args: A) => tf.Tensor,
): (x: X, ...args: A) => tf.Tensor {
  const g = f as (x: unknown, ...args: unknown[]) => tf.Tensor;
  return (x, ...args) => {
    if (typeof f !== 'function') throw new TypeError(`hessian: 'f' must be a function, got ${typeof f}`);
    differentiableLeaves('hessian', 'x', x);
    const gradOf = (z: unknown, ...a: unknown[]): tf.Tensor => {
      const [[value], grads] = valueAndGradImpl('hessian', g, false, z, a);
      value.dispose();
      return grads as tf.Tensor;
    };
    if (x instanceof tf.Tensor) return jacobianImpl('hessian', gradOf, x, args) as tf.Tensor;
    return tf.tidy(() => {
      const { flat, unravel } = ravel(x);
      const flatGrad = (v: unknown, ...a: unknown[]): tf.Tensor => ravel(gradOf(unravel(v as tf.Tensor), ...a) as TreeLike).flat;
      return jacobianImpl('hessian', flatGrad, flat, args) as tf.Tensor;
    });
  };
}
