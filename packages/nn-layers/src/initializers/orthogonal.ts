import * as tf from '@tensorflow/tfjs-core';
import { random } from '@probdl/tensor-backend';
import { orthonormalColumnsF64 } from './householder-qr.js';
import { checkInitShape, checkNumber, describe } from './shape.js';
import type { Initializer } from './types.js';

/** Options of {@link orthogonal}. */
export interface OrthogonalOptions {
  /** The axis whose entries are the columns (default -1, a Dense kernel's `out`). */
  readonly columnAxis?: number;
}

/**
 * `jax.nn.initializers.orthogonal(scale, column_axis)`: the weight, seen as a matrix of
 * n_rows = size / n_cols rows and n_cols = shape[columnAxis] columns, has orthonormal columns
 * (or rows, when it is wide), times `scale`. As in JAX: the QR factorisation of a standard normal
 * matrix with Q's columns multiplied by sign(diag R), which makes Q uniform (Haar) over the
 * orthogonal matrices. The QR runs on the host in float64 (O(rows·cols²): fine for layer sizes).
 */
export function orthogonal(scale = 1, options: OrthogonalOptions = {}): Initializer {
  const where = `orthogonal(${describe(scale)})`;
  checkNumber(where, 'scale', scale);
  return (key, shape) => {
    const s = checkInitShape(where, shape).shape;
    if (s.length < 2) throw new RangeError(`${where}: shape ${describe(s)} has rank ${s.length}, but an orthogonal initialiser needs rank >= 2`);
    const rank = s.length;
    const axisIn = options.columnAxis ?? -1;
    if (!Number.isInteger(axisIn) || axisIn < -rank || axisIn >= rank) {
      throw new RangeError(`${where}: columnAxis ${describe(axisIn)} is out of range for shape ${describe(s)}`);
    }
    const axis = axisIn < 0 ? axisIn + rank : axisIn;
    const nCols = s[axis]!;
    const size = s.reduce((a, b) => a * b, 1);
    if (size === 0) return tf.zeros(s);
    const nRows = size / nCols;
    const wide = nRows < nCols;
    const [m, n] = wide ? [nCols, nRows] : [nRows, nCols];
    const draws = random.normalHost(key, [m, n]);
    const q = orthonormalColumnsF64(Float64Array.from(draws), m, n);
    // Back to nRows × nCols (transpose when wide), scaled, in float32.
    const out = new Float32Array(size);
    for (let i = 0; i < nRows; i++) {
      for (let j = 0; j < nCols; j++) out[i * nCols + j] = scale * (wide ? q[j * n + i]! : q[i * n + j]!);
    }
    const others = s.filter((_, i) => i !== axis);
    return tf.tidy(() => {
      const t = tf.tensor(out, [...others, nCols], 'float32');
      if (axis === rank - 1) return t;
      // moveaxis(-1, axis)
      const perm = [...others.keys()];
      perm.splice(axis, 0, rank - 1);
      return tf.transpose(t, perm);
    });
  };
}
