import { withHandler } from '../runtime.js';
import type { Model, Trace } from '../types.js';

/**
 * Replays the latent sample values and the plate indices of `guideTrace` in the model (NumPyro's
 * `replay`; how an ELBO scores the guide's draws under the model, with the guide's minibatch): a
 * latent sample site of the same name takes the recorded value, a plate the recorded indices.
 * Observed sites and params are left alone. A name that is a latent sample site in the model but
 * not a latent sample site in the trace (or a plate against a non-plate) is an error naming it.
 */
export function replay<A extends unknown[], R>(model: Model<A, R>, guideTrace: Trace): Model<A, R> {
  if (!guideTrace || typeof guideTrace.get !== 'function') throw new TypeError('replay: guideTrace must be a Trace (from trace(model).getTrace(...))');
  return withHandler(model, () => ({
    process(msg) {
      if (msg.type !== 'sample' && msg.type !== 'plate') return;
      const site = guideTrace.get(msg.name);
      if (!site) return;
      if (msg.type === 'plate') {
        if (site.type !== 'plate') throw new Error(`replay: site '${msg.name}' is a plate in the model but a ${site.type} site in the trace`);
        msg.indices = site.value;
        return;
      }
      if (msg.isObserved) return;
      if (site.type !== 'sample' || site.isObserved) {
        throw new Error(`replay: site '${msg.name}' is a latent sample site in the model but ${site.type === 'sample' ? 'an observed' : `a ${site.type}`} site in the trace`);
      }
      msg.value = site.value;
    },
  }));
}
