export { cholesky, choleskyChecked } from './cholesky.js';
export { triangularSolve } from './triangular-solve.js';
export type { TriangularSolveOptions } from './triangular-solve.js';
export { choleskySolve, choleskyInverse } from './cholesky-solve.js';
export { logDetFromCholesky } from './log-det.js';
export { inverse } from './inverse.js';
export { matrixF64, fromRowsF64, toRowsF64, identityF64, transposeF64, matmulF64 } from './f64/matrix.js';
export type { MatrixF64 } from './f64/matrix.js';
export {
  choleskyF64,
  choleskySolveF64,
  choleskyInverseF64,
  logDetFromCholeskyF64,
} from './f64/cholesky-f64.js';
export { triangularSolveF64 } from './f64/triangular-solve-f64.js';
export type { TriangularSolveF64Options } from './f64/triangular-solve-f64.js';
export { inverseF64 } from './f64/inverse-f64.js';
