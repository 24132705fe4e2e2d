import * as tf from '@tensorflow/tfjs-core';
import { applyUpdates, type GradientTransformation } from '@probdl/optimizers';
import { tree, type Tree } from '@probdl/tensor-backend';

/**
 * The optimisation loop `fitVi` and `findMap` share: `steps` updates of `params` by
 * `optimizer` on the gradient of `lossAndGrad(params, step)`. `params` belongs to the loop (freed if
 * a step throws); every intermediate tensor is freed. `onStep` gets the step, −loss read back from
 * the device, and the updated params (valid during the callback only). Returns the final params
 * (the caller's) and −loss of every step, taken before its update.
 */
export async function minimise<P extends Tree>(
  params: P,
  optimizer: GradientTransformation,
  steps: number,
  lossAndGrad: (params: P, step: number) => [tf.Tensor, Tree],
  onStep?: (step: number, negLoss: number, params: P) => void | Promise<void>,
): Promise<{ params: P; history: Float32Array }> {
  let current = params;
  let state = optimizer.init(current);
  const losses: tf.Tensor[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      const [loss, grads] = lossAndGrad(current, i);
      const [updates, nextState] = optimizer.update(grads, state, current);
      const next = applyUpdates(current, updates) as P;
      tree.dispose([grads, updates, state, current]);
      current = next;
      state = nextState;
      losses.push(loss);
      if (onStep !== undefined) await onStep(i, -(await loss.data())[0]!, current);
    }
    const history = new Float32Array(steps);
    if (steps > 0) {
      const stacked = tf.tidy(() => tf.neg(tf.stack(losses)));
      history.set(await stacked.data());
      stacked.dispose();
    }
    return { params: current, history };
  } catch (e) {
    tree.dispose(current);
    throw e;
  } finally {
    tree.dispose(losses);
    tree.dispose(state);
  }
}
