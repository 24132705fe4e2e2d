import * as tf from '@tensorflow/tfjs-core';

/**
 * A copy of `t` that the gradient tape does not connect to `t` (tfjs-core has no stopGradient): a
 * custom op with no tensor inputs, so nothing computed from the copy is backpropagated into `t`.
 */
export function detach(t: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((() => ({ value: tf.clone(t), gradFunc: () => [] })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (op as unknown as () => tf.Tensor)();
}

/** log(expm1(y)) on the host: the inverse of softplus, for initialising a raw scale. */
export function inverseSoftplus(y: number): number {
  if (!(y > 0)) throw new RangeError(`inverseSoftplus: expected a positive number, got ${y}`);
  return y > 20 ? y + Math.log1p(-Math.exp(-y)) : Math.log(Math.expm1(y));
}

/** Throws a RangeError naming `fn` and `arg` unless `dim` is a positive integer (at least `min`). */
export function checkDim(fn: string, dim: number, min = 1): void {
  if (!Number.isInteger(dim) || dim < min) throw new RangeError(`${fn}: argument 'dim' must be an integer >= ${min}, got ${dim}`);
}

/** Throws unless `eps` is `[S, size]`. */
export function checkNoise(fn: string, eps: tf.Tensor, size: number): void {
  if (eps.rank !== 2 || eps.shape[1] !== size) {
    throw new RangeError(`${fn}: argument 'eps' must have shape [S, ${size}], got [${eps.shape.join(', ')}]`);
  }
}

/**
 * Makes `dist.dispose()` also free `tensors` (derived parameters the family built for it, such as a
 * scale); inside a `tf.tidy` the tidy frees them anyway. Returns `dist`.
 */
export function disposeWith<D extends { dispose(): void }>(dist: D, tensors: readonly tf.Tensor[]): D {
  const own = dist.dispose.bind(dist);
  Object.defineProperty(dist, 'dispose', {
    value: () => {
      own();
      for (const t of tensors) if (!t.isDisposed) t.dispose();
    },
    configurable: true,
  });
  return dist;
}
