import * as tf from '@tensorflow/tfjs-core';
import type { TensorInput } from '@probdl/distributions';
import { toTensor } from '../internal/tensors.js';
import { withHandler } from '../runtime.js';
import type { Message, Model } from '../types.js';

/** Values by site name, or a function of the site giving its value (undefined: leave the site alone). */
export type SiteValues = Readonly<Record<string, TensorInput>> | ((msg: Message) => TensorInput | undefined);

function lookup(values: SiteValues, msg: Message): TensorInput | undefined {
  return typeof values === 'function' ? values(msg) : Object.prototype.hasOwnProperty.call(values, msg.name) ? values[msg.name] : undefined;
}

/**
 * Sets values from `values` (constrained space), leaving the sites as they are otherwise (NumPyro's
 * `substitute`): latent sample sites stay latent and the log density is evaluated at the value;
 * params take the value instead of their init; deterministic sites report the value; a plate named
 * in `values` visits those indices (an int32 tensor or array of the plate's subsample size).
 *
 * Deliberate difference from NumPyro: observed sample sites are left alone (NumPyro would replace
 * their value while keeping them observed); use `condition` to change observed data, and
 * `uncondition` to draw them.
 */
export function substitute<A extends unknown[], R>(model: Model<A, R>, values: SiteValues): Model<A, R> {
  if (values === null || (typeof values !== 'object' && typeof values !== 'function')) {
    throw new TypeError('substitute: values must be a record of site values or a function of the site');
  }
  return withHandler(model, () => ({
    process(msg) {
      const latent = msg.type === 'sample' && !msg.isObserved;
      if (!(latent || msg.type === 'param' || msg.type === 'deterministic' || msg.type === 'plate')) return;
      const v = lookup(values, msg);
      if (v === undefined) return;
      if (msg.type === 'plate') {
        msg.indices = v instanceof tf.Tensor ? v : tf.tensor1d(Array.from(v as ArrayLike<number>), 'int32');
        return;
      }
      msg.value = toTensor(`substitute, site '${msg.name}'`, 'value', v);
    },
  }));
}

/**
 * Observes sample sites at `values`: they become observed and contribute their likelihood
 * (NumPyro's `condition`). As in NumPyro, a site that already has an `obs` takes the new value.
 */
export function condition<A extends unknown[], R>(model: Model<A, R>, values: SiteValues): Model<A, R> {
  if (values === null || (typeof values !== 'object' && typeof values !== 'function')) {
    throw new TypeError('condition: values must be a record of site values or a function of the site');
  }
  return withHandler(model, () => ({
    process(msg) {
      if (msg.type !== 'sample') return;
      const v = lookup(values, msg);
      if (v !== undefined) {
        msg.value = toTensor(`condition, site '${msg.name}'`, 'value', v);
        msg.isObserved = true;
      }
    },
  }));
}

/**
 * Turns observed sample sites into latent ones: their `obs` is dropped and, under `seed`, a value is
 * drawn from the site's distribution (Pyro's `poutine.uncondition`; NumPyro has no such handler and
 * gets the same effect by passing `obs=None`). `names` limits it to those sites. Predictive uses it
 * to re-draw the observed sites.
 */
export function uncondition<A extends unknown[], R>(model: Model<A, R>, names?: readonly string[]): Model<A, R> {
  return withHandler(model, () => ({
    process(msg) {
      if (msg.type !== 'sample' || !msg.isObserved) return;
      if (names && !names.includes(msg.name)) return;
      msg.value = undefined;
      msg.isObserved = false;
    },
  }));
}
