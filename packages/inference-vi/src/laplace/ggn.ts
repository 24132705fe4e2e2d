import * as tf from '@tensorflow/tfjs-core';
import { jacobian, tree, type Tree } from '@probdl/tensor-backend';
import type { GgnOptions } from './types.js';

const FN = 'generalizedGaussNewton';

/**
 * The generalized Gauss–Newton matrix of a network's negative log posterior at `params`:
 * `G = s · Jᵀ H_out J + diag(prior precision)`, with J = ∂f(θ, x)/∂θ the Jacobian of the outputs
 * (all outputs flattened, `[M, D]`, by reverse mode: M backward passes), H_out the output-space
 * Hessian of −log p(y | f) (see {@link GgnLikelihood}; it does not depend on y for these
 * likelihoods) and s the likelihood scale. G is positive semi-definite, and equals the exact
 * Hessian when f is linear in θ (it drops the term with the second derivatives of f).
 *
 * @param params the parameters: a `[D]` tensor or a pytree (then G is over `tree.ravel` order).
 * @returns `[D, D]` float32, a fresh tensor. Inputs are not disposed.
 * @throws Error naming the option when the likelihood, noise variance or prior precision is invalid,
 *   or when a custom likelihood's Hessian has a shape other than the outputs'.
 */
export function generalizedGaussNewton<P>(params: P, options: GgnOptions<P>): tf.Tensor2D {
  const { apply, inputs, likelihood } = options ?? ({} as GgnOptions<P>);
  if (typeof apply !== 'function') throw new TypeError(`${FN}: option 'apply' must be a function (params, inputs) => outputs`);
  if (!(inputs instanceof tf.Tensor)) throw new TypeError(`${FN}: option 'inputs' must be a tensor`);
  const noise = options.noiseVariance ?? 1;
  if (!(noise > 0 && Number.isFinite(noise))) throw new RangeError(`${FN}: option 'noiseVariance' must be a number > 0, got ${noise}`);
  const scale = options.likelihoodScale ?? 1;
  if (!(scale >= 0 && Number.isFinite(scale))) throw new RangeError(`${FN}: option 'likelihoodScale' must be a number >= 0, got ${scale}`);
  if (!(likelihood === 'gaussian' || likelihood === 'bernoulli' || likelihood === 'categorical' || typeof likelihood === 'function')) {
    throw new RangeError(`${FN}: option 'likelihood' must be 'gaussian', 'bernoulli', 'categorical' or a function, got ${String(likelihood)}`);
  }
  const isTensor = params instanceof tf.Tensor;
  return tf.tidy(() => {
    const { flat, unravel } = isTensor ? { flat: params as tf.Tensor, unravel: (z: tf.Tensor) => z as unknown as P } : tree.ravel(params as unknown as Tree);
    if (flat.rank !== 1) throw new RangeError(`${FN}: a tensor 'params' must be a vector [D], got shape [${flat.shape.join(', ')}]`);
    const d = flat.shape[0]!;
    const prior = priorDiagonal(options.priorPrecision, d);
    const outputs = apply(unravel(flat) as P, inputs);
    if (!(outputs instanceof tf.Tensor)) throw new TypeError(`${FN}: apply must return a tensor`);
    const m = outputs.size;
    const f = (z: tf.Tensor): tf.Tensor => tf.reshape(apply(unravel(z) as P, inputs), [-1]);
    const jac = jacobian(f)(flat) as tf.Tensor; // [M, D]
    let g: tf.Tensor;
    if (likelihood === 'gaussian') {
      g = tf.div(tf.matMul(jac, jac, true, false), noise);
    } else if (likelihood === 'categorical') {
      if (outputs.rank < 1) throw new RangeError(`${FN}: 'categorical' needs outputs [..., K], got a scalar`);
      const k = outputs.shape[outputs.rank - 1]!;
      const rows = m / k;
      const p = tf.reshape(tf.softmax(tf.reshape(outputs, [rows, k])), [m, 1]);
      const diagTerm = tf.matMul(jac, tf.mul(p, jac), true, false);
      const a = tf.sum(tf.mul(tf.reshape(p, [rows, k, 1]), tf.reshape(jac, [rows, k, d])), 1); // [R, D]
      g = tf.sub(diagTerm, tf.matMul(a, a, true, false));
    } else {
      let h: tf.Tensor;
      if (likelihood === 'bernoulli') {
        const p = tf.sigmoid(outputs);
        h = tf.mul(p, tf.sub(1, p));
      } else {
        h = likelihood(outputs);
        if (!(h instanceof tf.Tensor) || h.shape.join(',') !== outputs.shape.join(',')) {
          throw new RangeError(`${FN}: the likelihood's output Hessian must have the outputs' shape [${outputs.shape.join(', ')}], got ${h instanceof tf.Tensor ? `[${h.shape.join(', ')}]` : typeof h}`);
        }
      }
      g = tf.matMul(jac, tf.mul(tf.reshape(h, [m, 1]), jac), true, false);
    }
    if (scale !== 1) g = tf.mul(g, scale);
    // Symmetrise (float32 rounding of the two triangles) and add the prior.
    g = tf.mul(tf.add(g, tf.transpose(g)), 0.5);
    return tf.add(g, tf.mul(tf.eye(d), prior)) as tf.Tensor2D;
  });
}

/** The prior precision as a `[D]` tensor (or scalar) to multiply the identity by. */
function priorDiagonal(p: GgnOptions<unknown>['priorPrecision'], d: number): tf.Tensor {
  if (p === undefined) return tf.scalar(0);
  if (typeof p === 'number') {
    if (!(p >= 0 && Number.isFinite(p))) throw new RangeError(`${FN}: option 'priorPrecision' must be >= 0, got ${p}`);
    return tf.scalar(p);
  }
  if (p instanceof tf.Tensor) {
    if (!(p.size === 1 || (p.rank === 1 && p.shape[0] === d))) {
      throw new RangeError(`${FN}: option 'priorPrecision' must be a scalar or have shape [${d}], got [${p.shape.join(', ')}]`);
    }
    return tf.reshape(tf.cast(p, 'float32'), p.size === 1 ? [] : [d]);
  }
  if (p.length !== d) throw new RangeError(`${FN}: option 'priorPrecision' must have length ${d} (one per coordinate), got ${p.length}`);
  for (let i = 0; i < d; i++) {
    if (!(p[i]! >= 0)) throw new RangeError(`${FN}: option 'priorPrecision' must be >= 0, got ${p[i]} at index ${i}`);
  }
  return tf.tensor1d(Array.from(p));
}
