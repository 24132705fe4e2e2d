import * as tf from '@tensorflow/tfjs-core';
import type { TensorInput } from '@probdl/distributions';
import type { PRNGKey } from '@probdl/tensor-backend';
import { seed } from '../handlers/seed.js';
import { substitute } from '../handlers/substitute.js';
import { trace } from '../handlers/trace.js';
import { traceLogProb } from '../log-prob.js';
import type { Message, Model } from '../types.js';

/** Options of {@link logJoint}. */
export interface LogJointOptions {
  /** Seeds the run (subsampling plates, ctx.prngKey()). */
  readonly key?: PRNGKey;
  /** Leading batch dimensions of the values, kept in the result (default []: a scalar). */
  readonly batchShape?: readonly number[];
}

/**
 * The joint log density of the model at constrained values of its latent sites (no Jacobian):
 * the sum of every sample and factor site's log density (mask and plate scaling applied), with
 * params at their init values. Every latent sample site needs a value; a missing one is an error
 * naming it. With `batchShape`, values carry those leading dimensions and the result has that shape.
 */
export function logJoint<A extends unknown[]>(
  model: Model<A>,
  args: A,
  values: Readonly<Record<string, TensorInput>>,
  options: LogJointOptions = {},
): tf.Tensor {
  if (typeof model !== 'function') throw new TypeError('logJoint: model must be a function (ctx, ...args) => result');
  if (values === null || typeof values !== 'object') throw new TypeError('logJoint: values must be an object of site name -> constrained value');
  return tf.tidy(() => {
    const valueOf = (msg: Message): TensorInput | undefined => {
      const has = Object.prototype.hasOwnProperty.call(values, msg.name);
      if (msg.type === 'sample' && !has) throw new Error(`logJoint: no value for latent site '${msg.name}'`);
      return has ? values[msg.name] : undefined;
    };
    const substituted = substitute(model, valueOf);
    const tr = trace(options.key ? seed(substituted, options.key) : substituted).getTrace(...args);
    return traceLogProb(tr, options.batchShape ?? []);
  });
}
