import type * as tf from '@tensorflow/tfjs-core';
import type { Constraint, TensorInput } from '@probdl/distributions';
import type { PRNGKey } from '@probdl/tensor-backend';
import type { InitStrategy } from '../init/types.js';

/** A latent (unobserved) sample site of a model, and where it lives in the flat unconstrained position. */
export interface LatentSite {
  /** The site name. */
  readonly name: string;
  /** Shape of the constrained value, without leading position-batch dimensions. */
  readonly shape: number[];
  /** Shape of the unconstrained value (`unconstrainedShape(constraint, shape)`). */
  readonly unconstrainedShape: number[];
  /** Start of the site's block in the flat position. */
  readonly offset: number;
  /** Length of the site's block (the product of `unconstrainedShape`). */
  readonly size: number;
  /**
   * The support of the site's distribution. For a support that depends on tensors of the run
   * (`Uniform` with tensor bounds), the bijection is rebuilt from the site's distribution at every
   * run and this constraint only describes it (its `check` throws).
   */
  readonly constraint: Constraint;
}

/** Options of {@link logDensity} and {@link logJoint}. */
export interface LogDensityOptions {
  /** For models with subsampling plates or `ctx.prngKey()`: seeds every evaluation (the same subsample each time). */
  readonly key?: PRNGKey;
}

/** Options of `LogDensityModel.initialPosition`. */
export interface InitialPositionOptions {
  /** How to choose the starting point (default `initToUniform()`, radius 2). */
  readonly strategy?: InitStrategy;
  /** Number of chains C: the result is `[C, D]` (each chain retried independently); without it `[D]`. */
  readonly numChains?: number;
  /** Tries per chain before giving up (default 100). */
  readonly maxTries?: number;
}

/**
 * A model turned into a log density over a flat unconstrained position of length `dim`: what HMC
 * and VI run. Every method returns fresh tensors the caller owns and never disposes its inputs.
 */
export interface LogDensityModel {
  /** D, the length of the flat unconstrained position. */
  readonly dim: number;
  /** The latent sample sites in run order. */
  readonly sites: readonly LatentSite[];
  /**
   * The joint log density at an unconstrained position, including log|det J| of `constrain`:
   * `[D]` gives a scalar, `[..., D]` gives `[...]` (the model must broadcast over the leading
   * batch dimensions of its latent values). Differentiable.
   */
  logDensityFn(position: tf.Tensor): tf.Tensor;
  /** `-logDensityFn(position)`: HMC's potential energy. */
  potentialFn(position: tf.Tensor): tf.Tensor;
  /** The constrained values of the latent sites at `[..., D]`: `{name: [..., ...shape]}`. */
  constrain(position: tf.Tensor): Record<string, tf.Tensor>;
  /** The inverse of `constrain`: constrained values (with the same leading batch dimensions) to `[..., D]`. */
  unconstrain(values: Readonly<Record<string, TensorInput>>): tf.Tensor;
  /**
   * A starting point whose log density and gradient are finite: `[D]`, or `[C, D]` with
   * `numChains: C`. Rejects with an Error naming the sites whose log density is not finite when no
   * such point is found in `maxTries` tries.
   */
  initialPosition(key: PRNGKey, options?: InitialPositionOptions): Promise<tf.Tensor>;
  /** Releases the bijectors kept for the sites. */
  dispose(): void;
}
