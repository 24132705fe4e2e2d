import * as tf from '@tensorflow/tfjs-core';
import { Distribution } from '@probdl/distributions';
import type { BnnModule, Likelihood } from './types.js';

/** Describes a value for an error message. */
export function describe(v: unknown): string {
  if (v instanceof tf.Tensor) return `a tensor of shape [${v.shape.join(', ')}]`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/** Throws unless `m` has `init` and `apply` methods. */
export function checkModule(fn: string, m: unknown): asserts m is BnnModule {
  const o = m as Partial<BnnModule> | null;
  if (typeof o !== 'object' || o === null || typeof o.apply !== 'function' || typeof o.init !== 'function') {
    throw new TypeError(`${fn}: argument 'module' must be a module { init(key, inputShape), apply(params, x, options) } such as an nn-layers Module, got ${describe(m)}`);
  }
}

/** Throws unless `t` is a tensor of rank ≥ 1 (a batch). */
export function checkBatch(fn: string, name: string, t: unknown): asserts t is tf.Tensor {
  if (!(t instanceof tf.Tensor) || t.rank === 0) {
    throw new TypeError(`${fn}: argument '${name}' must be a tensor with a leading batch axis, got ${describe(t)}`);
  }
}

/** Throws unless x and y are batches with the same leading size; returns it. */
export function checkXY(fn: string, x: unknown, y: unknown): number {
  checkBatch(fn, 'x', x);
  checkBatch(fn, 'y', y);
  if (x.shape[0] !== y.shape[0]) {
    throw new RangeError(`${fn}: x and y must have the same number of examples (leading axis): x is [${x.shape.join(', ')}], y is [${y.shape.join(', ')}]`);
  }
  return x.shape[0]!;
}

/** Throws unless `n` is an integer ≥ 1. */
export function checkCount(fn: string, name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new RangeError(`${fn}: option '${name}' must be an integer >= 1, got ${String(n)}`);
  return n;
}

/**
 * The per-example log-likelihood `[B]` of `y` under `likelihood(outputs, y)`: a Distribution's
 * logProb(y), or the returned tensor, summed over every axis but the first.
 */
export function perExampleLogLik(fn: string, likelihood: Likelihood, outputs: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const batch = y.shape[0]!;
  const out = likelihood(outputs, y);
  let ll: tf.Tensor;
  if (out instanceof Distribution) {
    try {
      ll = out.logProb(y);
    } finally {
      out.dispose();
    }
  } else if (out instanceof tf.Tensor) {
    ll = out;
  } else {
    throw new TypeError(`${fn}: option 'likelihood' must return a Distribution of @probdl/distributions or a tensor of log-likelihoods, got ${describe(out)}`);
  }
  if (ll.rank === 0 || ll.shape[0] !== batch) {
    throw new RangeError(
      `${fn}: the likelihood's log-probability must have the batch's ${batch} examples on its leading axis (shape [${batch}, ...]); got [${ll.shape.join(', ')}] for outputs [${outputs.shape.join(', ')}] and y [${y.shape.join(', ')}]`,
    );
  }
  return ll.rank === 1 ? ll : tf.sum(ll, Array.from({ length: ll.rank - 1 }, (_, i) => i + 1));
}
