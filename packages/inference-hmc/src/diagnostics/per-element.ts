import { siteElement, siteLayout, type SiteDraws } from './types.js';

/** A per-element result over a site: `values` row-major over `shape` (the site shape). */
export interface ElementwiseResult {
  readonly values: Float64Array;
  readonly shape: readonly number[];
}

/**
 * Applies a `[chains, draws]` diagnostic (`essBulk`, `rankNormalizedSplitRhat`, `mcseMean`, ...)
 * to every element of a multi-dimensional site: e.g. `perElement(essBulk, draws.beta)`.
 */
export function perElement(
  fn: (x: Float64Array, numChains: number) => number,
  site: SiteDraws,
): ElementwiseResult {
  const { numChains, siteShape, size } = siteLayout('perElement', site);
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = fn(siteElement(site, i), numChains);
  return { values, shape: siteShape };
}
