import { Bernoulli, type Independent } from '@probdl/distributions';
import { independentHead, independentParamsSize } from './internal/independent-head.js';
import type { Head, HeadOptions } from './types.js';

/**
 * TFP's `IndependentBernoulli`: features `[...batch, n]` (n = prod(eventShape)) are the logits,
 * reshaped to `[...batch, ...eventShape]`, as `Independent(Bernoulli(logits))` (batch shape `batch`).
 * `independentBernoulli.paramsSize(eventShape)` gives n.
 */
export function independentBernoulli(eventShape: readonly number[] | number = [], options: HeadOptions = {}): Head<Independent> {
  return independentHead('independentBernoulli', 'IndependentBernoulli', eventShape, options, (logits, validateArgs) => new Bernoulli({ logits, validateArgs }));
}
independentBernoulli.paramsSize = (eventShape: readonly number[] | number): number => independentParamsSize('independentBernoulli', eventShape);
