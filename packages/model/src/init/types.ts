import type * as tf from '@tensorflow/tfjs-core';
import type { Bijector, Distribution } from '@probdl/distributions';
import type { PRNGKey } from '@probdl/tensor-backend';

/** What an init strategy sees of a latent site while the model runs. */
export interface InitSite {
  /** The site name. */
  readonly name: string;
  /** The site's distribution in this run (already expanded over its plates). */
  readonly fn: Distribution;
  /** The site's `sampleShape` option. */
  readonly sampleShape: readonly number[];
  /** Shape of the constrained value. */
  readonly shape: readonly number[];
  /** Shape of the unconstrained value. */
  readonly unconstrainedShape: readonly number[];
  /** The map from unconstrained to constrained values for this site (owned by the caller). */
  readonly bijector: Bijector;
  /** A key of its own for this site and try. */
  readonly key: PRNGKey;
}

/** An initial value for a site: constrained or unconstrained (a fresh tensor the caller then owns). */
export type InitValue = { readonly constrained: tf.Tensor } | { readonly unconstrained: tf.Tensor };

/**
 * How `initialPosition` chooses the starting value of each latent site (NumPyro's init
 * strategies). The model runs once per try; each latent site asks `init`, in run order, so later
 * sites see the values chosen for earlier ones.
 */
export interface InitStrategy {
  /** Printable name, used in error messages. */
  readonly name: string;
  /** The starting value of one site, or undefined to leave it to the default (`initToUniform()`). */
  init(site: InitSite): InitValue | undefined;
}
