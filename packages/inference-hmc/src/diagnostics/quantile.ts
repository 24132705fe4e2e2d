/**
 * Sample quantile of Hyndman and Fan's type 7 (linear interpolation between order statistics,
 * numpy's default `np.quantile(x, p)` and R's default): with sorted `x` and `h = (n − 1) p`,
 * `x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋])`. Pools every value (all chains).
 */
export function quantile(x: ArrayLike<number>, p: number): number {
  return quantiles(x, [p])[0] ?? NaN;
}

/** {@link quantile} at several probabilities, sorting once. */
export function quantiles(x: ArrayLike<number>, probs: readonly number[]): Float64Array {
  if (x.length === 0) throw new Error('quantiles: x is empty');
  for (const p of probs) {
    if (!(p >= 0 && p <= 1)) throw new Error(`quantiles: probability ${p} is outside [0, 1]`);
  }
  const sorted = Float64Array.from(x).sort();
  return sortedQuantiles(sorted, probs);
}

/** Type-7 quantiles of already sorted values. */
export function sortedQuantiles(sorted: Float64Array, probs: readonly number[]): Float64Array {
  const n = sorted.length;
  return Float64Array.from(probs, (p) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, n - 1);
    const a = sorted[lo] ?? NaN;
    const b = sorted[hi] ?? NaN;
    return a + (h - lo) * (b - a);
  });
}
