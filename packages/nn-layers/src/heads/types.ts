import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@probdl/distributions';

/** Options of a head's `apply`. */
export interface HeadApplyOptions {
  /**
   * Validate the distribution's parameters on construction (reads them back synchronously on cpu
   * and wasm). Default: the head's own `validateArgs` option, itself false: a head's parameters are
   * valid by construction (softplus scales, logits), and validation would stall every training step.
   */
  readonly validateArgs?: boolean;
}

/** Options every head factory takes. */
export interface HeadOptions {
  /** The default of {@link HeadApplyOptions.validateArgs} for this head (false). */
  readonly validateArgs?: boolean;
}

/**
 * A probabilistic head (TFP's `tfp.layers` distribution layers): a map from a feature vector of
 * length `paramsSize` to a distribution. It holds no tensors and no parameters; put a Dense layer
 * (or an MLP) with `paramsSize` outputs in front of it ({@link withHead}, {@link probabilisticMlp}).
 *
 * `apply(features)` takes `features` of shape `[...batch, paramsSize]` (any number of leading batch
 * dimensions) and returns a distribution with batch shape `batch` and event shape `eventShape`.
 *
 * Ownership: the distribution owns every tensor the head computed from `features` (its `dispose()`
 * frees them) and never references `features` itself, so the caller may dispose `features` right
 * after `apply`. Inside a `tf.tidy`, everything is freed with the scope anyway.
 */
export interface Head<D extends Distribution = Distribution> {
  /** The head type, e.g. 'IndependentNormal' (TFP's layer name). */
  readonly kind: string;
  /** The event shape of the distributions it returns. */
  readonly eventShape: readonly number[];
  /** The length of the feature vector it reads per example. */
  readonly paramsSize: number;
  /** The distribution for `features` of shape `[...batch, paramsSize]`. */
  apply(features: tf.Tensor, options?: HeadApplyOptions): D;
}
