import * as tf from '@tensorflow/tfjs-core';

/** Elements per device block: rejection rounds are stacked on a leading axis up to about this size. */
const BLOCK_ELEMENTS = 2 ** 20;

/** How many rounds to stack per block for a sample of `size` elements (at least 1, at most `rounds`). */
export function roundsPerBlock(rounds: number, size: number): number {
  return Math.max(1, Math.min(rounds, Math.floor(BLOCK_ELEMENTS / Math.max(1, size))));
}

/** One block of proposals: rows r0..r1-1 of a rejection sampler, each of the sample shape. */
export interface ProposalBlock {
  /** bool [r1 - r0, ...shape]: whether each proposal is accepted. */
  accept: tf.Tensor;
  /** float32 [r1 - r0, ...shape]: each proposal's value. */
  value: tf.Tensor;
}

/**
 * The value of the first accepted proposal of each element over `rounds` vectorised rounds, or
 * `fallback` where none was accepted. `propose(r0, r1)` builds rows r0..r1-1 (the caller's tensors in
 * it are disposed here). Blocks are visited last to first so that earlier acceptances win, and each
 * block's temporaries are freed before the next, keeping memory at one block. Returns a fresh tensor.
 */
export function firstAccepted(
  rounds: number,
  shape: number[],
  fallback: tf.Tensor,
  propose: (r0: number, r1: number) => ProposalBlock,
): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const per = roundsPerBlock(rounds, size);
  let result = fallback.clone();
  const starts: number[] = [];
  for (let r0 = 0; r0 < rounds; r0 += per) starts.push(r0);
  for (const r0 of starts.reverse()) {
    const r1 = Math.min(rounds, r0 + per);
    const next = tf.tidy(() => {
      const { accept, value } = propose(r0, r1);
      const b = r1 - r0;
      const iota = tf.reshape(tf.range(0, b, 1, 'float32'), [b, ...shape.map(() => 1)]);
      // Index of the first accepted row (b where none), then that row's value.
      const first = tf.min(tf.where(accept, iota, tf.scalar(b)), 0);
      const chosen = tf.sum(tf.where(tf.equal(iota, first), value, tf.zerosLike(value)), 0);
      return tf.where(tf.less(first, b), chosen, result);
    });
    result.dispose();
    result = next;
  }
  return result;
}
