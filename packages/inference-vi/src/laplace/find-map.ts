import * as tf from '@tensorflow/tfjs-core';
import { tree, valueAndGrad, type Tree } from '@probdl/tensor-backend';
import { minimise } from '../internal/minimise.js';
import { scalarLogDensity } from './internal/position.js';
import type { FindMapOptions, FindMapResult, LaplaceTarget } from './types.js';

const FN = 'findMap';

/**
 * Maximises a log density by gradient ascent with any optimizer (the optimizer minimises −log p):
 * the MAP position to hand to {@link laplace}. A pure loop: no keys, intermediate tensors freed.
 *
 * @param logDensity see {@link LaplaceTarget} (a batched target for a `[D]` position, a function of
 *   the tree for a pytree position).
 * @param init the starting position, a `[D]` tensor or a pytree (copied, not disposed).
 * @returns the final position (the caller disposes it) and the log density at every step.
 */
export async function findMap<P = tf.Tensor>(logDensity: LaplaceTarget<P>, init: P, options: FindMapOptions<P>): Promise<FindMapResult<P>> {
  const { optimizer, steps, onStep } = options ?? ({} as FindMapOptions<P>);
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`${FN}: option 'steps' must be an integer >= 0, got ${steps}`);
  if (typeof optimizer?.init !== 'function' || typeof optimizer.update !== 'function') {
    throw new TypeError(`${FN}: option 'optimizer' must be a GradientTransformation { init, update }`);
  }
  const f = scalarLogDensity(FN, logDensity, init);
  const lossAndGrad = valueAndGrad((p: Tree) => tf.neg(f(p as P)));
  const { params: position, history } = await minimise(tree.clone(init as unknown as Tree), optimizer, steps, (p) => lossAndGrad(p), onStep && ((step, value, p) => onStep({ step, logDensity: value, position: p as unknown as P })));
  return { position: position as unknown as P, history };
}
