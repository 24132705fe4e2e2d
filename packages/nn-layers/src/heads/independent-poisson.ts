import { Poisson, type Independent } from '@probdl/distributions';
import { independentHead, independentParamsSize } from './internal/independent-head.js';
import type { Head, HeadOptions } from './types.js';

/**
 * TFP's `IndependentPoisson`: features `[...batch, n]` (n = prod(eventShape)) are log rates
 * (rate = exp(x), as TFP), reshaped to `[...batch, ...eventShape]`, as `Independent(Poisson)`.
 * The Poisson is built from `logRate`, so no exp overflows in its log mass.
 * `independentPoisson.paramsSize(eventShape)` gives n.
 */
export function independentPoisson(eventShape: readonly number[] | number = [], options: HeadOptions = {}): Head<Independent> {
  return independentHead('independentPoisson', 'IndependentPoisson', eventShape, options, (logRate, validateArgs) => new Poisson({ logRate, validateArgs }));
}
independentPoisson.paramsSize = (eventShape: readonly number[] | number): number => independentParamsSize('independentPoisson', eventShape);
