import * as tf from '@tensorflow/tfjs-core';
import { applyUpdates } from '@probdl/optimizers';
import { tree, valueAndGrad, type Tree } from '@probdl/tensor-backend';
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
  let position = tree.clone(init as unknown as Tree);
  let state = optimizer.init(position);
  const losses: tf.Tensor[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      const [loss, grads] = lossAndGrad(position);
      const [updates, nextState] = optimizer.update(grads, state, position);
      const next = applyUpdates(position, updates);
      tree.dispose([grads, updates, state, position]);
      position = next;
      state = nextState;
      losses.push(loss);
      if (onStep !== undefined) await onStep({ step: i, logDensity: -(await loss.data())[0]!, position: position as unknown as P });
    }
    const history = new Float32Array(steps);
    if (steps > 0) {
      const stacked = tf.tidy(() => tf.neg(tf.stack(losses)));
      history.set(await stacked.data());
      stacked.dispose();
    }
    return { position: position as unknown as P, history };
  } catch (e) {
    tree.dispose(position);
    throw e;
  } finally {
    tree.dispose(losses);
    tree.dispose(state);
  }
}
