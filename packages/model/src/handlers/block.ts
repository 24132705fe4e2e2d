import { withHandler } from '../runtime.js';
import type { Message, Model, SiteType } from '../types.js';

/**
 * Which sites `block` hides, by the first option given in this order (as NumPyro): `hideFn` (a
 * predicate), `hide` (names to hide), `exposeTypes` (site types to let through), `expose` (names to
 * let through); with none, every site is hidden.
 */
export interface BlockOptions {
  readonly hide?: readonly string[];
  readonly expose?: readonly string[];
  readonly exposeTypes?: readonly SiteType[];
  readonly hideFn?: (msg: Message) => boolean;
}

/**
 * Hides sites from the handlers outside it (NumPyro's `block`): an outer `trace` does not record
 * them and an outer `substitute` or `seed` does not see them (so a hidden latent site needs its key
 * from a `seed` inside the block). With no options every site is hidden.
 */
export function block<A extends unknown[], R>(model: Model<A, R>, options: BlockOptions = {}): Model<A, R> {
  const { hideFn, hide, exposeTypes, expose } = options;
  const hidden: (msg: Message) => boolean = hideFn
    ? hideFn
    : hide
      ? (msg) => hide.includes(msg.name)
      : exposeTypes
        ? (msg) => !exposeTypes.includes(msg.type)
        : expose
          ? (msg) => !expose.includes(msg.name)
          : () => true;
  return withHandler(model, () => ({
    process(msg) {
      if (hidden(msg)) msg.stop = true;
    },
  }));
}
