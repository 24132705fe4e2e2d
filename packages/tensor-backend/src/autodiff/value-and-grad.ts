import * as tf from '@tensorflow/tfjs-core';
import { isPlainObject, unflatten } from '../tree/flatten.js';
import { dispose } from '../tree/like.js';
import type { TreeLike } from '../tree/types.js';
import { checkScalarValue, differentiableLeaves, gradientsOf } from './gradients.js';

/** Options of {@link valueAndGrad} and {@link grad}. */
export interface GradOptions {
  /**
   * When true, `f` returns `[value, aux]` and only `value` is differentiated; `aux` (any tree of
   * tensors or plain data) is passed through (JAX's `has_aux`).
   */
  hasAux?: boolean;
}

/** A function of a tree of parameters and extra, non-differentiated arguments. */
/** A function of a parameter tree and extra arguments, as valueAndGrad and grad take it. */
export type Objective<P, A extends unknown[], R> = (params: P, ...args: A) => R;

/**
 * `valueAndGrad(f)` is a function that returns `[f(params, ...args), ∇_params f]`
 * (`jax.value_and_grad`). `f` takes a tree of float32 tensors (and any extra arguments, which are
 * not differentiated) and returns a float32 scalar tensor (shape `[]`). The gradient has the
 * structure of `params`, with empty subtrees kept in place and zeros for leaves `f` does not use.
 *
 * With `{ hasAux: true }`, `f` returns `[value, aux]` and the result is `[[value, aux], grads]`, as
 * in JAX, so JAX code ports line for line. Tensors in `aux` (found in nested arrays and plain
 * objects, not inside class instances) are returned alive; the caller owns them.
 *
 * - Every leaf of `params` must be a float32 tensor: an int32 or bool tensor, or a plain number, is
 *   an error naming its path (JAX also refuses integer inputs). Pass such data as extra arguments.
 * - A non-scalar or non-float32 value is an error naming its shape or dtype.
 * - `f` sees fresh clones of the leaves (so a tensor used at two places of `params` gets two
 *   gradients, as in JAX); tensors `f` reaches through a closure are constants.
 * - Everything runs in `tf.tidy`; inputs are never disposed; the value, the gradients and the aux
 *   tensors are fresh tensors the caller disposes (e.g. with `tree.dispose`).
 * - It nests: `valueAndGrad` may be called inside a function being differentiated (see `hessian`).
 *   It works around tfjs-core gradient bugs for ops that read their own output (second order
 *   through exp, sigmoid, tanh, softmax, max, ...) and for comparisons (`tf.where(tf.greater(x, 0), ...)`).
 *
 * @example
 * const lossAndGrad = valueAndGrad((p: Params, x: tf.Tensor, y: tf.Tensor) => mse(apply(p, x), y));
 * const [loss, grads] = lossAndGrad(params, x, y);
 */
export function valueAndGrad<P extends TreeLike, A extends unknown[]>(
  f: Objective<P, A, tf.Tensor>,
  options?: { hasAux?: false },
): (params: P, ...args: A) => [tf.Scalar, P];
export function valueAndGrad<P extends TreeLike, A extends unknown[], Aux>(
  f: Objective<P, A, readonly [tf.Tensor, Aux]>,
  options: { hasAux: true },
): (params: P, ...args: A) => [[tf.Scalar, Aux], P];
export function valueAndGrad(
  f: Objective<unknown, unknown[], unknown>,
  options: GradOptions = {},
): (params: unknown, ...args: unknown[]) => unknown {
  const hasAux = options.hasAux === true;
  return (params, ...args) => {
    const [[value, aux], grads] = valueAndGradImpl('valueAndGrad', f, hasAux, params, args);
    return hasAux ? [[value, aux], grads] : [value, grads];
  };
}

/**
 * `grad(f)` is a function that returns `∇_params f(params, ...args)` (`jax.grad`); with
 * `{ hasAux: true }` it returns `[grads, aux]`. Same conventions as {@link valueAndGrad}.
 */
export function grad<P extends TreeLike, A extends unknown[]>(
  f: Objective<P, A, tf.Tensor>,
  options?: { hasAux?: false },
): (params: P, ...args: A) => P;
export function grad<P extends TreeLike, A extends unknown[], Aux>(
  f: Objective<P, A, readonly [tf.Tensor, Aux]>,
  options: { hasAux: true },
): (params: P, ...args: A) => [P, Aux];
export function grad(f: Objective<unknown, unknown[], unknown>, options: GradOptions = {}): (params: unknown, ...args: unknown[]) => unknown {
  const hasAux = options.hasAux === true;
  return (params, ...args) => {
    const [[value, aux], grads] = valueAndGradImpl('grad', f, hasAux, params, args);
    value.dispose();
    return hasAux ? [grads, aux] : grads;
  };
}

/**
 * The shared body: `[[value, aux], grads]` (aux undefined without hasAux). `fn` names the public
 * function in errors.
 */
export function valueAndGradImpl(
  fn: string,
  f: Objective<unknown, unknown[], unknown>,
  hasAux: boolean,
  params: unknown,
  args: unknown[],
): [[tf.Scalar, unknown], unknown] {
  if (typeof f !== 'function') throw new TypeError(`${fn}: 'f' must be a function, got ${typeof f}`);
  const { leaves, treedef } = differentiableLeaves(fn, 'params', params);
  // Tensors of aux, kept alive past the forward tidy; disposed once cloned into the caller's scope.
  const kept: tf.Tensor[] = [];
  try {
    return tf.tidy(() => {
      let auxKept: unknown;
      const xs = leaves.map((l) => tf.clone(l));
      const body = (): tf.Scalar => {
        const out = f(unflatten(treedef, xs), ...args);
        let value: unknown = out;
        if (hasAux) {
          if (!Array.isArray(out) || out.length !== 2) {
            throw new TypeError(
              `${fn} with hasAux: f must return [value, aux], got ${Array.isArray(out) ? `an array of length ${out.length}` : describe(out)}`,
            );
          }
          value = out[0];
        }
        checkScalarValue(fn, value);
        if (hasAux) auxKept = mapTensors((out as unknown[])[1], (t) => keepClone(t, kept));
        return value;
      };
      let value: tf.Scalar;
      let grads: tf.Tensor[];
      if (xs.length === 0) {
        value = body();
        grads = [];
      } else {
        const r = gradientsOf(fn, body, xs);
        value = r.value as tf.Scalar;
        grads = r.grads;
      }
      const aux = mapTensors(auxKept, (t) => tf.clone(t));
      // A clone, in case f returned a tensor from outside (a constant): the caller may dispose it.
      return [[tf.clone(value), aux], unflatten(treedef, grads)] as unknown as tf.TensorContainer;
    }) as unknown as [[tf.Scalar, unknown], unknown];
  } finally {
    dispose(kept);
  }
}

function keepClone(t: tf.Tensor, kept: tf.Tensor[]): tf.Tensor {
  const c = tf.keep(tf.clone(t));
  kept.push(c);
  return c;
}

/** Copies arrays and plain objects, replacing every tensor by `f(tensor)`; other values as they are. */
function mapTensors(x: unknown, f: (t: tf.Tensor) => tf.Tensor, ancestors = new Set<object>()): unknown {
  if (x instanceof tf.Tensor) return f(x);
  if (!Array.isArray(x) && !isPlainObject(x)) return x;
  if (ancestors.has(x)) throw new TypeError('hasAux: aux contains a cycle');
  ancestors.add(x);
  const out = Array.isArray(x)
    ? x.map((c) => mapTensors(c, f, ancestors))
    : Object.fromEntries(Object.entries(x).map(([k, v]) => [k, mapTensors(v, f, ancestors)]));
  ancestors.delete(x);
  return out;
}

function describe(x: unknown): string {
  if (x instanceof tf.Tensor) return `a tensor of shape [${x.shape.join(', ')}]`;
  return x === null ? 'null' : typeof x;
}
