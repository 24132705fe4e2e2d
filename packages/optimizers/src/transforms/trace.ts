import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import type { GradientTransformation } from '../types.js';
import { checkBoolean, checkNumber, mapLeaves, tidyPair } from './internal.js';

/** State of {@link trace}: the momentum trace. */
export type TraceState = { trace: Tree };

/** Options of {@link trace}. */
export interface TraceOptions {
  /** Decay of the trace (the momentum), ≥ 0. */
  decay: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/**
 * Heavy-ball momentum (`optax.trace`): `t = g + decay t`, and the update is `t`, or with
 * `nesterov` `g + decay t`.
 */
export function trace(options: TraceOptions): GradientTransformation<TraceState> {
  if (options === null || typeof options !== 'object') throw new Error(`trace: options must be an object with a decay, got ${String(options)}`);
  const decay = checkNumber('trace', 'decay', options.decay, { min: 0 });
  const nesterov = checkBoolean('trace', 'nesterov', options.nesterov ?? false);
  return {
    init: (params) => ({ trace: tree.zerosLike(params) }),
    update: (updates, state) =>
      tidyPair(() => {
        const next = mapLeaves((g, t) => tf.add(g, tf.mul(t, decay)), updates, state.trace);
        const out = nesterov ? mapLeaves((g, t) => tf.add(g, tf.mul(t, decay)), updates, next) : mapLeaves((t) => tf.clone(t), next);
        return [out, { trace: next }];
      }) as [Tree, TraceState],
  };
}
