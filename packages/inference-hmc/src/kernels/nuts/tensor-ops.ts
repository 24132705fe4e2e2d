import * as tf from '@tensorflow/tfjs-core';

/** log(exp(a) + exp(b)) elementwise, -inf when both are -inf (inside a tidy). */
export function logAddExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const m = tf.maximum(a, b);
  const safe = tf.where(tf.isFinite(m), m, tf.zerosLike(m));
  return tf.add(safe, tf.log(tf.add(tf.exp(tf.sub(a, safe)), tf.exp(tf.sub(b, safe)))));
}

/** Disposes every tensor of (possibly nested) records. */
export function disposeAll(...xs: unknown[]): void {
  for (const x of xs) if (x !== undefined) tf.dispose(x as tf.TensorContainer);
}

/** `tf.tidy` for a function returning any record of tensors (typed). */
export function tidy<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}

/**
 * where(condition, a, b) for `a`, `b` of one shape, with `condition` broadcast to it: the Select
 * kernel straight away, without the two copies `tf.where` makes of same-shaped operands (this runs
 * several times per integrator step). No gradient (the kernel's decisions are not differentiated).
 */
export function select(condition: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (!tf.util.arraysEqual(a.shape, b.shape)) return tf.where(condition, a, b);
  const c = tf.util.arraysEqual(condition.shape, a.shape) ? condition : tf.broadcastTo(condition, a.shape);
  return tf.engine().runKernel('Select', { condition: c, t: a, e: b } as unknown as tf.NamedTensorMap) as tf.Tensor;
}
