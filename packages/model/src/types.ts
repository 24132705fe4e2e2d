import type * as tf from '@tensorflow/tfjs-core';
import type { Constraint, Distribution, TensorInput } from '@probdl/distributions';
import type { PRNGKey } from '@probdl/tensor-backend';

/** One active `plate`: a conditionally independent dimension of the sites inside it. */
export interface PlateFrame {
  readonly name: string;
  /** Full size of the plate (e.g. the number of data points). */
  readonly size: number;
  /** How many of them this run visits (= size unless the plate subsamples). */
  readonly subsampleSize: number;
  /** The batch dimension the plate occupies, counted from the right of the batch shape (-1, -2, ...). */
  readonly dim: number;
}

/** The kinds of site a model records. */
export type SiteType = 'sample' | 'param' | 'deterministic' | 'factor' | 'plate' | 'prngKey';

/** Options of `ctx.sample`. */
export interface SampleOptions {
  /** The observed value: the site is conditioned on it and contributes its log likelihood. */
  readonly obs?: TensorInput;
  /** Extra leading sample dimensions for a latent draw (rarely needed; plates are the usual way). */
  readonly sampleShape?: readonly number[];
  /** Free-form hints for inference algorithms (NumPyro's `infer` dict). */
  readonly infer?: Readonly<Record<string, unknown>>;
}

/** Options of `ctx.param`. */
export interface ParamOptions {
  /** Where the parameter lives (default `real`); optimisers work on the unconstrained value. */
  readonly constraint?: Constraint;
}

/** Options of `ctx.plate`. */
export interface PlateOptions {
  /** Visit a random subset of this size (drawn from the seed key), scaling log likelihoods by size / subsampleSize. */
  readonly subsampleSize?: number;
  /** Visit these indices (int32 tensor or array); overrides subsampleSize. */
  readonly subsample?: tf.Tensor | readonly number[] | Int32Array;
  /** The batch dimension (negative); by default the next free one from the right. */
  readonly dim?: number;
}

/**
 * What a model sees: the probabilistic primitives. A model is an ordinary function of a context and
 * its data; the context routes each primitive through the active effect handlers.
 */
export interface ModelContext {
  /** A random variable: draws (or takes from a handler) a value of `dist`, or observes `obs`. Returns the value. */
  sample(name: string, dist: Distribution, options?: SampleOptions): tf.Tensor;
  /** A learnable parameter, initialised from `init` (its constrained value). Returns the current value. */
  param(name: string, init: TensorInput, options?: ParamOptions): tf.Tensor;
  /** Records a value computed from other sites (reported by traces and Predictive). Returns it. */
  deterministic(name: string, value: tf.Tensor): tf.Tensor;
  /** Adds an arbitrary term to the log density (a soft constraint, a potential). */
  factor(name: string, logWeight: tf.Tensor): void;
  /** Runs `body` inside a plate of `size` conditionally independent entries; it receives the visited indices. */
  plate<T>(name: string, size: number, body: (indices: tf.Tensor) => T): T;
  plate<T>(name: string, size: number, options: PlateOptions, body: (indices: tf.Tensor) => T): T;
  /** A fresh PRNG key from the enclosing `seed` handler (for randomness that is not a site, e.g. dropout). */
  prngKey(): PRNGKey;
}

/** A probabilistic program: a function of a context and its arguments. */
export type Model<A extends unknown[] = any[], R = unknown> = (ctx: ModelContext, ...args: A) => R;

/**
 * A site as handlers see it while it is being processed (NumPyro's message). Handlers may change
 * `value`, `isObserved`, `scale`, `mask` and `key`, or set `stop` to hide it from outer handlers.
 */
export interface Message {
  readonly type: SiteType;
  readonly name: string;
  /** The distribution of a sample site (already expanded over its plates). */
  fn: Distribution | undefined;
  value: tf.Tensor | undefined;
  isObserved: boolean;
  /** Product of the likelihood scalings (subsampled plates, `scale` handlers). */
  scale: number;
  /** Sites whose mask is false contribute nothing to the log density. */
  mask: tf.Tensor | boolean | undefined;
  /** The PRNG key for a draw (set by `seed`). */
  key: PRNGKey | undefined;
  readonly plates: readonly PlateFrame[];
  readonly sampleShape: readonly number[];
  readonly constraint: Constraint | undefined;
  readonly infer: Readonly<Record<string, unknown>>;
  /** Set by a handler (block) to stop outer handlers from seeing the site. */
  stop: boolean;
  /** Param sites: the initial value, taken when no handler gives one. */
  init?: tf.Tensor;
  /** Plate sites: the visited indices, set once chosen. */
  indices?: tf.Tensor;
  /** Plate sites: the plate's sizes. */
  plate?: { size: number; subsampleSize: number; subsample?: PlateOptions['subsample'] };
}

/** A recorded site: a message after every handler has seen it. */
export interface Site {
  readonly type: SiteType;
  readonly name: string;
  readonly fn: Distribution | undefined;
  readonly value: tf.Tensor;
  readonly isObserved: boolean;
  readonly scale: number;
  readonly mask: tf.Tensor | boolean | undefined;
  readonly plates: readonly PlateFrame[];
  readonly constraint: Constraint | undefined;
  readonly infer: Readonly<Record<string, unknown>>;
}

/** The sites of one run of a model, in the order they ran, by name. */
export type Trace = ReadonlyMap<string, Site>;

/**
 * An effect handler: `process` runs on each site from the innermost handler outwards before the
 * default behaviour (drawing a sample); `postprocess` runs after it on the handlers that saw the site.
 * A handler object is made fresh for every run of the model it wraps.
 */
export interface Handler {
  process?(msg: Message): void;
  postprocess?(msg: Message): void;
}
