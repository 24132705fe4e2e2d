import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distribution.js';
import { broadcastShapes, sameShape } from '../internal/params.js';
import { findKl } from './registry.js';

/** What `kl` throws for a pair of families with no registered closed form. */
export class KlNotRegisteredError extends Error {
  constructor(
    readonly pFamily: string,
    readonly qFamily: string,
  ) {
    super(`no closed-form KL(${pFamily} || ${qFamily}) is registered; use klMonteCarlo(p, q, key, n)`);
    this.name = 'KlNotRegisteredError';
  }
}

/** `KL(P || Q)` with the family names of p and q, for error messages. */
export function klLabel(p: Distribution, q: Distribution): string {
  return `KL(${p.name} || ${q.name})`;
}

/**
 * The batch shape of KL(p || q): p's and q's batch shapes broadcast. Throws a RangeError naming
 * both shapes when they do not broadcast, or when the event shapes differ.
 */
export function klBatchShape(p: Distribution, q: Distribution): number[] {
  const label = klLabel(p, q);
  if (!sameShape(p.eventShape, q.eventShape)) {
    throw new RangeError(`${label}: event shapes differ: p has [${p.eventShape.join(', ')}], q has [${q.eventShape.join(', ')}]`);
  }
  return broadcastShapes(label, { 'p.batchShape': p.batchShape, 'q.batchShape': q.batchShape });
}

/**
 * KL(p || q) from the registry only (no built-in registration happens here; `kl` in `kl.ts` is the
 * public entry point and registers the built-in closed forms first). The result has the broadcast
 * batch shape of p and q and is a fresh tensor the caller owns.
 *
 * @throws KlNotRegisteredError when no closed form is registered for the pair; RangeError when the
 *   batch shapes do not broadcast or the event shapes differ.
 */
export function klDivergence(p: Distribution, q: Distribution): tf.Tensor {
  const fn = findKl(p, q);
  if (!fn) throw new KlNotRegisteredError(p.name, q.name);
  const shape = klBatchShape(p, q);
  return tf.tidy(() => {
    const v = fn(p, q);
    return sameShape(v.shape, shape) ? v : tf.broadcastTo(v, shape);
  });
}
