import type { Distribution } from '@probdl/distributions';
import type { Tree } from '@probdl/tensor-backend';
import { mlp, type MlpOptions } from '../layers/mlp.js';
import { withHead, type ProbabilisticModule } from './with-head.js';
import type { Head } from './types.js';

/**
 * An MLP with `hiddenWidths` hidden layers and a last linear layer of `head.paramsSize` units,
 * topped by `head`: `withHead(mlp([...hiddenWidths, head.paramsSize], mlpOptions), head)`.
 * The cluster-mass MDN is `probabilisticMlp([128, 128, 64], mixtureNormal(16, [1]), { activation: 'relu' })`.
 * The last layer's activation stays identity (MlpOptions' `finalActivation` default); with
 * `activations`, give one per layer including the last.
 */
export function probabilisticMlp<D extends Distribution>(hiddenWidths: readonly number[], head: Head<D>, mlpOptions: MlpOptions = {}): ProbabilisticModule<Tree, D> {
  if (!Array.isArray(hiddenWidths)) throw new TypeError(`probabilisticMlp: argument 'hiddenWidths' must be an array of positive integers, got ${typeof hiddenWidths}`);
  if (typeof head !== 'object' || head === null || !Number.isInteger(head.paramsSize)) {
    throw new TypeError(`probabilisticMlp: argument 'head' must be a head with an integer paramsSize (e.g. mixtureNormal(16, [1]))`);
  }
  return withHead(mlp([...hiddenWidths, head.paramsSize], mlpOptions), head);
}
