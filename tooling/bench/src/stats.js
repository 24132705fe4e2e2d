/**
 * Summary statistics of timing samples. Quantiles interpolate linearly between order statistics
 * (numpy's default), so tooling/bench/python/bench_timing.py gives the same figures.
 */

/**
 * @typedef {{ median: number, mean: number, min: number, max: number, q1: number, q3: number,
 *   iqrPct: number, runs: number, itemsPerRun: number }} Stats  times in ms per item
 */

/** @param {number[]} sorted ascending; @param {number} q in [0, 1] */
export function quantile(sorted, q) {
  if (sorted.length === 0) throw new Error('quantile: no samples');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * @param {number[]} samples  times of whole runs, ms
 * @param {number} itemsPerRun  each sample is divided by this: the figures are per item
 * @returns {Stats}
 */
export function summarize(samples, itemsPerRun = 1) {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const perItem = samples.map((s) => s / itemsPerRun);
  const sorted = [...perItem].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const mean = perItem.reduce((a, b) => a + b, 0) / perItem.length;
  return {
    median,
    mean,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    q1,
    q3,
    // Spread as the interquartile range relative to the median: robust to the odd GC pause.
    iqrPct: median > 0 ? ((q3 - q1) / median) * 100 : 0,
    runs: samples.length,
    itemsPerRun,
  };
}
