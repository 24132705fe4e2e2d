import * as tf from '@tensorflow/tfjs-core';
import type { Table } from './columns.js';

/**
 * Stack table columns into a 2-D float32 tensor of shape `[rows, columnNames.length]`.
 * Number, int and bool columns are allowed (bool as 0/1).
 *
 * @param table - a table from {@link loadCsv} or {@link loadJsonTable}.
 * @param columnNames - the columns to use, in order.
 * @returns a fresh tensor owned by the caller.
 * @throws Error naming a column that is absent or holds strings.
 */
export function csvToTensor(table: Table, columnNames: readonly string[]): tf.Tensor2D {
  const k = columnNames.length;
  const out = new Float32Array(table.rows * k);
  columnNames.forEach((name, j) => {
    const col = table.data[name];
    if (col === undefined) throw new Error(`columnNames: '${name}' is not a column (columns: ${table.columns.join(', ')})`);
    if (Array.isArray(col)) throw new Error(`columnNames: column '${name}' holds strings and cannot go into a float32 tensor`);
    for (let i = 0; i < table.rows; i++) out[i * k + j] = (col as Float64Array)[i]!;
  });
  return tf.tensor2d(out, [table.rows, k], 'float32');
}
