import * as tf from '@tensorflow/tfjs-core';
import { withHandler } from '../runtime.js';
import type { Model } from '../types.js';

/**
 * For batched prediction: a latent site about to be drawn whose distribution does not already carry
 * the leading sample axis (its shape has the rank it had in an unbatched run) is drawn with `S`
 * extra leading draws, so every one of the S predictions gets its own value. Must sit outside `seed`.
 */
export function batchDraw<A extends unknown[], R>(model: Model<A, R>, S: number, reference: ReadonlyMap<string, readonly number[]>): Model<A, R> {
  return withHandler(model, () => ({
    process(msg) {
      if (msg.type !== 'sample' || msg.value !== undefined || msg.key === undefined || !msg.fn) return;
      const shape = [...msg.sampleShape, ...msg.fn.batchShape, ...msg.fn.eventShape];
      const ref = reference.get(msg.name);
      if (!ref) throw new Error(`Predictive (batched): sample site '${msg.name}' did not run in the unbatched reference run; run with batched: false`);
      if (shape.length === ref.length) {
        msg.value = msg.fn.sample(msg.key, [S, ...msg.sampleShape]);
      } else if (!(shape.length === ref.length + 1 && shape[0] === S)) {
        throw new RangeError(
          `Predictive (batched): sample site '${msg.name}' has shape [${shape.join(', ')}] with the batch of ${S} samples, ` +
            `where one sample gives [${ref.join(', ')}]: the model must broadcast over a leading sample axis (or use batched: false)`,
        );
      }
    },
  }));
}

/** A site value as [S, ...reference shape]: values without the sample axis are broadcast (a fresh tensor). */
export function withSampleAxis(name: string, value: tf.Tensor, S: number, ref: readonly number[]): tf.Tensor {
  if (value.rank === ref.length) return tf.broadcastTo(value, [S, ...value.shape]).clone();
  if (value.rank === ref.length + 1 && (value.shape[0] === S || value.shape[0] === 1)) return tf.broadcastTo(value, [S, ...value.shape.slice(1)]).clone();
  throw new RangeError(
    `Predictive (batched): site '${name}' has shape [${value.shape.join(', ')}], where one sample gives [${ref.join(', ')}]: the model does not broadcast over the leading sample axis of ${S}`,
  );
}
