import { split, type PRNGKey } from '@probdl/tensor-backend';
import { withHandler } from '../runtime.js';
import type { Model } from '../types.js';

/**
 * Gives keys to the sites that need randomness: each unobserved sample site without a value,
 * each subsampling plate and each `ctx.prngKey()`, by splitting `key` in the order they run
 * (NumPyro's `seed`). Every run of the seeded model starts again from `key`.
 */
export function seed<A extends unknown[], R>(model: Model<A, R>, key: PRNGKey): Model<A, R> {
  if (!key || !(key as { data?: unknown }).data) throw new TypeError('seed: key must be a PRNG key from key(seed)');
  return withHandler(model, () => {
    let current = key;
    return {
      process(msg) {
        const needsKey =
          (msg.type === 'sample' && !msg.isObserved && msg.value === undefined) ||
          (msg.type === 'plate' && msg.indices === undefined) ||
          msg.type === 'prngKey';
        if (needsKey && msg.key === undefined) {
          const [next, sub] = split(current);
          current = next!;
          msg.key = sub;
        }
      },
    };
  });
}
