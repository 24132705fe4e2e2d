import type * as tf from '@tensorflow/tfjs-core';
import type { LogNormal } from '../families/log-normal.js';
import { normalKlFromParams } from './normal-normal.js';

/** KL(LogNormal || LogNormal) = KL(Normal || Normal) of the logs (KL is invariant under the bijection exp). */
export function klLogNormalLogNormal(p: LogNormal, q: LogNormal): tf.Tensor {
  return normalKlFromParams(p.loc, p.scale, q.loc, q.scale);
}
