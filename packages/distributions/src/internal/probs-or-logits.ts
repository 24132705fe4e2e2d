import type * as tf from '@tensorflow/tfjs-core';
import { logit } from '@probdl/tensor-backend';
import type { TensorInput } from './params.js';
import { isNotNaN, isProbability, type PendingCheck } from './validation.js';

/** The arguments of a family parameterised by exactly one of `logits` and `probs`. */
export interface ProbsOrLogitsArgs {
  readonly logits?: TensorInput;
  readonly probs?: TensorInput;
}

/** How a family checks its `probs` and `logits` and turns probs into logits. */
export interface ProbsOrLogitsSpec {
  readonly probsCheck: PendingCheck['check'];
  readonly logitsCheck: PendingCheck['check'];
  readonly toLogits: (probs: tf.Tensor) => tf.Tensor;
}

/** The binary families (Bernoulli, Binomial): `probs` in [0, 1] with logits = logit(probs), or `logits` not NaN. */
export const BINARY_LOGITS: ProbsOrLogitsSpec = { probsCheck: isProbability, logitsCheck: isNotNaN, toLogits: logit };

/** The TypeError unless exactly one of `logits` and `probs` is given. */
export function checkProbsXorLogits(family: string, args: ProbsOrLogitsArgs): void {
  if ((args.logits === undefined) === (args.probs === undefined)) {
    throw new TypeError(`${family}: exactly one of 'logits' and 'probs' must be given`);
  }
}

/**
 * Converts the given one of `probs` and `logits` with the family's `param` (conversion, ownership,
 * validation): logits always (from probs through `toLogits`, owned with `own`), and probs when given.
 */
export function convertProbsOrLogits(
  args: ProbsOrLogitsArgs,
  spec: ProbsOrLogitsSpec,
  param: (arg: string, value: TensorInput | undefined, check: PendingCheck['check']) => tf.Tensor,
  own: (t: tf.Tensor) => tf.Tensor,
): { logits: tf.Tensor; probs: tf.Tensor | undefined } {
  if (args.probs !== undefined) {
    const probs = param('probs', args.probs, spec.probsCheck);
    return { logits: own(spec.toLogits(probs)), probs };
  }
  return { logits: param('logits', args.logits, spec.logitsCheck), probs: undefined };
}
