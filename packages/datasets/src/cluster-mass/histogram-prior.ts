import * as tf from '@tensorflow/tfjs-core';

/**
 * A histogram density, like scipy's `rv_histogram(np.histogram(values, bins))`: `bins` equal bins on
 * [min, max] of the values (the last bin closed, as NumPy), density `count / (n × width)` so it
 * integrates to 1, and zero outside [edges[0], edges[bins]) (scipy's `searchsorted(..., 'right')`
 * convention, so the pdf at the upper edge itself is 0, as in scipy).
 */
export interface HistogramPrior {
  /** Number of bins. */
  readonly bins: number;
  /** The `bins + 1` bin edges, `linspace(min, max, bins + 1)`. */
  readonly edges: Float64Array;
  /** Counts per bin (NumPy's `np.histogram` counts). */
  readonly counts: Float64Array;
  /** Density per bin: `counts / (n × width)`. */
  readonly density: Float64Array;
  /** The density at `x` (host, float64). */
  pdf(x: number): number;
  /** `log pdf(x)`; −Infinity where the density is zero. */
  logPdf(x: number): number;
  /** The density at every element of `x`, as a fresh float32 tensor of `x`'s shape (`x` is not disposed). */
  pdfTensor(x: tf.Tensor): tf.Tensor;
  /** `log pdfTensor(x)`, −Infinity where the density is zero; a fresh tensor. */
  logPdfTensor(x: tf.Tensor): tf.Tensor;
}

/**
 * The 64-bin histogram prior of the tutorial (`rv_histogram(np.histogram(train_logmass, 64))`), used
 * to divide an MDN posterior by the training prior. Binning follows NumPy's `np.histogram` with equal
 * bins exactly (including its corrections at the edges); the values must be finite and not all equal.
 *
 * @param values - the sample, e.g. the training log masses.
 * @param bins - number of equal bins, a positive integer. Default 64.
 * @throws RangeError for an empty sample, a non-finite value (naming its index), equal values, or bad `bins`.
 */
export function histogramPrior(values: ArrayLike<number>, bins = 64): HistogramPrior {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`histogramPrior: bins must be a positive integer, got ${String(bins)}`);
  const n = values.length;
  if (n === 0) throw new RangeError('histogramPrior: values is empty');
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`histogramPrior: values[${i}] = ${String(v)} is not finite`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) throw new RangeError(`histogramPrior: all values equal ${lo}; a histogram needs a range`);
  const edges = new Float64Array(bins + 1);
  // np.linspace: lo + i * step, with the last edge exactly hi.
  const step = (hi - lo) / bins;
  for (let i = 0; i <= bins; i++) edges[i] = lo + i * step;
  edges[bins] = hi;
  const counts = new Float64Array(bins);
  const norm = bins / (hi - lo);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    let k = Math.floor((v - lo) * norm);
    if (k === bins) k--;
    if (v < edges[k]!) k--;
    else if (k !== bins - 1 && v >= edges[k + 1]!) k++;
    counts[k]!++;
  }
  const density = new Float64Array(bins);
  for (let k = 0; k < bins; k++) density[k] = counts[k]! / (n * (edges[k + 1]! - edges[k]!));

  const pdf = (x: number): number => {
    if (!(x >= lo && x < hi)) return 0;
    // searchsorted(edges, x, 'right') - 1
    let k = Math.min(bins - 1, Math.floor((x - lo) * norm));
    while (k > 0 && x < edges[k]!) k--;
    while (k < bins - 1 && x >= edges[k + 1]!) k++;
    return density[k]!;
  };
  const padded = new Float32Array(bins + 2);
  padded.set(density, 1);
  const pdfTensor = (x: tf.Tensor): tf.Tensor => {
    if (!(x instanceof tf.Tensor)) throw new TypeError('histogramPrior.pdfTensor: x must be a tensor');
    return tf.tidy(() => {
      const xf = tf.cast(x, 'float32');
      const idx = tf.clipByValue(tf.add(tf.floor(tf.mul(tf.sub(xf, lo), norm)), 1), 0, bins + 1);
      const inside = tf.logicalAnd(tf.greaterEqual(xf, lo), tf.less(xf, hi));
      const vals = tf.gather(tf.tensor1d(padded), tf.cast(tf.reshape(idx, [-1]), 'int32'));
      return tf.where(inside, tf.reshape(vals, x.shape), tf.zerosLike(xf));
    });
  };
  return {
    bins,
    edges,
    counts,
    density,
    pdf,
    logPdf: (x) => Math.log(pdf(x)),
    pdfTensor,
    logPdfTensor: (x) => tf.tidy(() => tf.log(pdfTensor(x))),
  };
}
