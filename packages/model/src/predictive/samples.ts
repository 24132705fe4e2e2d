import * as tf from '@tensorflow/tfjs-core';

/** The common leading size S of a record of sample tensors; errors name the offending site. */
export function leadingSize(where: string, samples: Readonly<Record<string, tf.Tensor>>): number | undefined {
  let size: number | undefined;
  let first = '';
  for (const [name, t] of Object.entries(samples)) {
    if (!(t instanceof tf.Tensor) || t.isDisposed) throw new TypeError(`${where}: posterior sample '${name}' must be a (live) tensor`);
    if (t.rank < 1) throw new RangeError(`${where}: posterior sample '${name}' must have a leading sample axis, got a scalar`);
    if (size === undefined) {
      size = t.shape[0]!;
      first = name;
    } else if (t.shape[0] !== size) {
      throw new RangeError(`${where}: posterior sample '${name}' has ${t.shape[0]} draws along its leading axis, but '${first}' has ${size}`);
    }
  }
  return size;
}

/** Draw s of every sample (the leading axis removed); new tensors, to be made inside a tidy. */
export function drawAt(samples: Readonly<Record<string, tf.Tensor>>, s: number): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  const index = tf.scalar(s, 'int32');
  for (const [name, t] of Object.entries(samples)) out[name] = tf.gather(t, index);
  return out;
}
