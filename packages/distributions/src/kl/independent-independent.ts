import * as tf from '@tensorflow/tfjs-core';
import { sumLastAxes, type Independent } from '../combinators/independent.js';
import { klDivergence, klLabel } from './divergence.js';

/**
 * KL(Independent || Independent): the KL of the base distributions (looked up in the registry)
 * summed over the reinterpreted dimensions. Both sides must reinterpret the same number of batch
 * dimensions (a RangeError names both counts otherwise).
 */
export function klIndependentIndependent(p: Independent, q: Independent): tf.Tensor {
  if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) {
    throw new RangeError(
      `${klLabel(p, q)}: reinterpretedBatchNdims differ (p: ${p.reinterpretedBatchNdims}, q: ${q.reinterpretedBatchNdims}); ` +
        'the closed form needs equal counts (use klMonteCarlo otherwise)',
    );
  }
  return tf.tidy(() => sumLastAxes(klDivergence(p.distribution, q.distribution), p.reinterpretedBatchNdims));
}
