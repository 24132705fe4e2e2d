import * as tf from '@tensorflow/tfjs-core';
import { Expanded, Independent, type Distribution } from '@probdl/distributions';

/**
 * n independent copies of a scalar distribution as one vector-valued site (Stan's `vector[n] b;
 * b ~ d;`, NumPyro's `d.expand([n]).to_event(1)`).
 */
export function vectorOf(dist: Distribution, n: number): Distribution {
  return new Independent({ distribution: new Expanded({ distribution: dist, batchShape: [n] }), reinterpretedBatchNdims: 1 });
}

/**
 * Entry i of the last axis, keeping that axis with size 1: a scalar parameter of shape `[...batch, 1]`
 * that broadcasts against data of shape `[N]` to `[...batch, N]` (batched positions) or `[N]` (one position).
 */
export function entry(v: tf.Tensor, i: number): tf.Tensor {
  const begin = v.shape.map((_, a) => (a === v.rank - 1 ? i : 0));
  const size = v.shape.map((d, a) => (a === v.rank - 1 ? 1 : d));
  return tf.slice(v, begin, size);
}

/** A scalar site's value `[...batch]` as `[...batch, 1]`, to broadcast against data `[N]`. */
export function asColumn(s: tf.Tensor): tf.Tensor {
  return tf.expandDims(s, -1);
}

/** `X beta` for X `[N, D]` and beta `[...batch, D]`: shape `[...batch, N]`. */
export function matVec(X: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(X, tf.expandDims(beta, -2)), -1);
}
