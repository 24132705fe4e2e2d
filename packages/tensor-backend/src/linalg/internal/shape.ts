import * as tf from '@tensorflow/tfjs-core';

/** Formats a shape the way every error message in linalg names it: `[2, 3, 3]`. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * A float32 tensor from a float32 tensor or a nested numeric array (call inside a tidy). Tensors of
 * another dtype are refused rather than cast: tfjs-backend-webgpu 4.22 casts int32 to float32 by
 * relabelling the int buffer, which later kernels misread.
 */
export function asFloat32(x: tf.Tensor | tf.TensorLike, arg: string, fn: string): tf.Tensor {
  if (x instanceof tf.Tensor) {
    if (x.dtype !== 'float32') throw new Error(`${fn}: '${arg}' must be a float32 tensor, got dtype ${x.dtype}`);
    return x;
  }
  try {
    return tf.tensor(x, undefined, 'float32');
  } catch (e) {
    throw new Error(`${fn}: '${arg}' is not a tensor or a nested numeric array (${(e as Error).message})`);
  }
}

/** Checks `[..., n, n]` and returns n; the error names the function, the argument and the shape. */
export function squareSize(shape: readonly number[], arg: string, fn: string): number {
  const n = shape[shape.length - 1];
  const m = shape[shape.length - 2];
  if (shape.length < 2 || n === undefined || m === undefined || n !== m) {
    throw new Error(`${fn}: '${arg}' must be a batch of square matrices [..., n, n], got shape ${showShape(shape)}`);
  }
  return n;
}

/** Product of the leading (batch) dimensions of a `[..., r, c]` shape. */
export function batchSize(shape: readonly number[]): number {
  return shape.slice(0, -2).reduce((p, d) => p * d, 1);
}

/** numpy broadcasting of two batch shapes; the error names both full shapes. */
export function broadcastBatch(
  a: readonly number[],
  b: readonly number[],
  what: string,
): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${what}: batch dimensions ${showShape(a)} and ${showShape(b)} do not broadcast`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * Reshapes `x` (`[...xBatch, r, c]`) to rank 3 for a full batch shape `batch`: `[1, r, c]` when x has
 * no batch extent (so matmul broadcasts it), `[prod(batch), r, c]` otherwise, broadcasting when needed.
 */
export function toBatch3d(x: tf.Tensor, batch: readonly number[], keepSingle: boolean): tf.Tensor3D {
  const r = x.shape[x.rank - 2] as number;
  const c = x.shape[x.rank - 1] as number;
  const own = batchSize(x.shape);
  const full = batch.reduce((p, d) => p * d, 1);
  if (own === full) return tf.reshape(x, [full, r, c]);
  if (own === 1 && keepSingle) return tf.reshape(x, [1, r, c]);
  return tf.reshape(tf.broadcastTo(x, [...batch, r, c]), [full, r, c]);
}

/** Sums a gradient of a broadcast result back to the shape of the input it came from. */
export function sumToShape(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? tf.sum(g, axes, true) : g;
  return tf.reshape(summed, [...shape]);
}
