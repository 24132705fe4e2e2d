import { asChains, hasNonFinite, mapChains, mean, splitChains, variance, zScale, type ChainMatrix } from './chains.js';
import { quantile } from './quantile.js';

/**
 * The potential scale reduction of chains as given (no splitting; Gelman et al. BDA3 11.4, ArviZ
 * `_rhat`): `sqrt(((N − 1)/N · W + B/N) / W)` with `W` the mean within-chain variance (ddof 1)
 * and `B/N` the variance of the chain means (ddof 1).
 */
export function rhatOfChains(m: ChainMatrix): number {
  if (hasNonFinite(m.values)) return NaN;
  const { numChains, numDraws, values } = m;
  const chainMean = new Float64Array(numChains);
  let within = 0;
  for (let c = 0; c < numChains; c++) {
    const x = values.subarray(c * numDraws, (c + 1) * numDraws);
    chainMean[c] = mean(x);
    within += variance(x, 1);
  }
  within /= numChains;
  const between = numDraws * variance(chainMean, 1);
  return Math.sqrt((between / within + numDraws - 1) / numDraws);
}

/**
 * Classic split R-hat (Gelman et al. BDA3; ArviZ `rhat(method='split')`): {@link rhatOfChains} of
 * every chain split in halves. `x` is row-major `[numChains, draws]`.
 */
export function splitRhat(x: Float64Array, numChains: number): number {
  const m = asChains('splitRhat', x, numChains);
  if (m.numDraws < 4) return NaN;
  return rhatOfChains(splitChains(m));
}

/**
 * Rank-normalised split R-hat (Vehtari et al. 2021, the default of ArviZ `rhat` and posterior
 * `rhat`): the larger of the bulk R-hat (rank-normalised split chains) and the tail R-hat
 * (rank-normalised `|x − median|` of the split chains, median of the split draws). NaN for fewer
 * than 4 draws. Like posterior (and unlike ArviZ, which returns NaN) it is computed for a single
 * chain too, from its two halves.
 */
export function rankNormalizedSplitRhat(x: Float64Array, numChains: number): number {
  const m = asChains('rankNormalizedSplitRhat', x, numChains);
  if (m.numDraws < 4 || hasNonFinite(x)) return NaN;
  const split = splitChains(m);
  const bulk = rhatOfChains(zScale(split));
  const med = quantile(split.values, 0.5);
  const tail = rhatOfChains(zScale(mapChains(split, (v) => Math.abs(v - med))));
  return Math.max(bulk, tail);
}
