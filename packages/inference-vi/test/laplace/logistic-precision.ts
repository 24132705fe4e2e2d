/**
 * The exact negative Hessian of a logistic regression with basis [1, x] and a N(0, α⁻¹ I) prior,
 * `Xᵀ diag(p(1−p)) X + αI` in float64 at `w` (row-major 2 × 2).
 */
export function logisticPrecision(xs: Iterable<number>, w: readonly number[], alpha: number): number[] {
  const h = [alpha, 0, 0, alpha];
  for (const xi of xs) {
    const p = 1 / (1 + Math.exp(-(w[0]! + w[1]! * xi)));
    const s = p * (1 - p);
    h[0]! += s;
    h[1]! += s * xi;
    h[2]! += s * xi;
    h[3]! += s * xi * xi;
  }
  return h;
}
