/**
 * A dense row-major float64 matrix on the host: entry (i, j) is `data[i * cols + j]`.
 * For small dense algebra (conjugate posteriors, MCMC diagnostics, reference checks); no tensors.
 */
export interface MatrixF64 {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * A `rows × cols` matrix; `data` (row-major, copied) defaults to zeros.
 * @throws Error when the sizes are not non-negative integers or `data` has the wrong length.
 */
export function matrixF64(rows: number, cols: number, data?: ArrayLike<number>): MatrixF64 {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new Error(`matrixF64: rows and cols must be non-negative integers, got ${rows} × ${cols}`);
  }
  if (data !== undefined && data.length !== rows * cols) {
    throw new Error(`matrixF64: data has length ${data.length}, expected ${rows} × ${cols} = ${rows * cols}`);
  }
  return { rows, cols, data: data === undefined ? new Float64Array(rows * cols) : Float64Array.from(data) };
}

/**
 * A matrix from nested arrays, one inner array per row (`[[1, 2], [3, 4]]`).
 * @throws Error naming the first row whose length differs from the first row's.
 */
export function fromRowsF64(rows: readonly (readonly number[])[]): MatrixF64 {
  const cols = rows[0]?.length ?? 0;
  const out = matrixF64(rows.length, cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new Error(`fromRowsF64: row ${i} has length ${row.length}, expected ${cols}`);
    out.data.set(row, i * cols);
  });
  return out;
}

/** Nested arrays, one per row (the inverse of {@link fromRowsF64}). */
export function toRowsF64(m: MatrixF64): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

/** The `n × n` identity. */
export function identityF64(n: number): MatrixF64 {
  const out = matrixF64(n, n);
  for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
  return out;
}

/** `Aᵀ`. */
export function transposeF64(a: MatrixF64): MatrixF64 {
  const out = matrixF64(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j] as number;
  }
  return out;
}

/**
 * `A B`.
 * @throws Error naming both shapes when the inner sizes differ.
 */
export function matmulF64(a: MatrixF64, b: MatrixF64): MatrixF64 {
  if (a.cols !== b.rows) {
    throw new Error(`matmulF64: inner sizes differ: ${a.rows} × ${a.cols} times ${b.rows} × ${b.cols}`);
  }
  const out = matrixF64(a.rows, b.cols);
  const { data: ad } = a;
  const { data: bd } = b;
  const od = out.data;
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = ad[i * a.cols + k] as number;
      for (let j = 0; j < b.cols; j++) {
        od[i * b.cols + j] = (od[i * b.cols + j] as number) + aik * (bd[k * b.cols + j] as number);
      }
    }
  }
  return out;
}

/** @internal Throws unless `a` is square; returns n. */
export function squareF64(a: MatrixF64, arg: string, fn: string): number {
  if (a.rows !== a.cols) throw new Error(`${fn}: '${arg}' must be square, got ${a.rows} × ${a.cols}`);
  return a.rows;
}
