import type { InverseMassMatrix, Metric } from '../types.js';
import { euclideanMetric } from './euclidean.js';

/**
 * The Euclidean metric of `inverseMassMatrix` for `numChains` chains of dimension `dim`, with the
 * kind read from the shape: `[D]` or `[C, D]` diagonal, `[D, D]` or `[C, D, D]` dense. A rank-2
 * matrix whose shape is both (C = D) is taken as dense `[D, D]` unless `kind` is 'diagonal'
 * (what `HmcParams.metric` carries). The caller
 * disposes the metric (its Cholesky factor); the matrix stays the caller's.
 *
 * @throws RangeError naming the shape when it fits neither kind for these C and D.
 */
export function metricForChains(inverseMassMatrix: InverseMassMatrix, numChains: number, dim: number, kind?: 'diagonal' | 'dense'): Metric {
  const s = inverseMassMatrix.shape;
  const fail = () =>
    new RangeError(`inverseMassMatrix: expected [${dim}], [${dim}, ${dim}], [${numChains}, ${dim}] or [${numChains}, ${dim}, ${dim}] for ${numChains} chains of dimension ${dim}, got [${s.join(', ')}]`);
  if (s.length === 1) {
    if (s[0] !== dim) throw fail();
    return euclideanMetric(inverseMassMatrix, 'diagonal');
  }
  if (s.length === 2) {
    if (kind === 'diagonal' && s[0] === numChains && s[1] === dim) return euclideanMetric(inverseMassMatrix, 'diagonal');
    if (s[0] === dim && s[1] === dim) return euclideanMetric(inverseMassMatrix, 'dense');
    if (s[0] === numChains && s[1] === dim) return euclideanMetric(inverseMassMatrix, 'diagonal');
    throw fail();
  }
  if (s.length === 3 && s[0] === numChains && s[1] === dim && s[2] === dim) return euclideanMetric(inverseMassMatrix, 'dense');
  throw fail();
}
