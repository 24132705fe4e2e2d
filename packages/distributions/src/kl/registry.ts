import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distribution.js';

/** A closed-form KL divergence KL(p || q) for one pair of families. */
export type KlFn<P extends Distribution = Distribution, Q extends Distribution = Distribution> = (p: P, q: Q) => tf.Tensor;

/** A distribution class (its constructor), the key of the KL table. */
export type DistributionClass<T> = abstract new (...args: any[]) => T;

const table = new Map<DistributionClass<Distribution>, Map<DistributionClass<Distribution>, KlFn<any, any>>>();

/**
 * Registers the closed form of KL(p || q) for instances of `P` and `Q` (subclasses included;
 * the most specific registration wins). Families outside this package can add their own.
 */
export function registerKl<P extends Distribution, Q extends Distribution>(pType: DistributionClass<P>, qType: DistributionClass<Q>, fn: KlFn<P, Q>): void {
  let row = table.get(pType as DistributionClass<Distribution>);
  if (!row) table.set(pType as DistributionClass<Distribution>, (row = new Map()));
  row.set(qType as DistributionClass<Distribution>, fn);
}

function prototypeChain(d: object): DistributionClass<Distribution>[] {
  const out: DistributionClass<Distribution>[] = [];
  for (let p = Object.getPrototypeOf(d); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) out.push(p.constructor);
  return out;
}

/** The registered closed form for (p, q), walking both prototype chains (nearest first); undefined when none. */
export function findKl(p: Distribution, q: Distribution): KlFn | undefined {
  const pc = prototypeChain(p);
  const qc = prototypeChain(q);
  let best: { fn: KlFn; score: number } | undefined;
  pc.forEach((pt, i) => {
    const row = table.get(pt);
    if (!row) return;
    qc.forEach((qt, j) => {
      const fn = row.get(qt);
      if (fn && (!best || i + j < best.score)) best = { fn, score: i + j };
    });
  });
  return best?.fn;
}
