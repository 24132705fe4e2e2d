import type * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../core/activations.js';
import type { Module, NamedModule } from '../core/module.js';
import { buildSequential } from '../layers/sequential.js';
import { denseFlipout } from './dense-flipout.js';
import { denseLocalReparameterization } from './dense-local-reparameterization.js';
import { denseReparameterization } from './dense-reparameterization.js';
import type { BayesianApplyOptions, BayesianDenseLayer, BayesianDenseOptions, BayesianDenseParams, KlDivergenceOptions } from './types.js';

/** Which Bayesian Dense layer a {@link bayesianMlp} stacks. */
export type BayesianLayerType = 'reparameterization' | 'flipout' | 'localReparameterization';

/** Options of {@link bayesianMlp}: those of the layers (applied to every layer) plus the layer type and activations. */
export interface BayesianMlpOptions extends Omit<BayesianDenseOptions, 'activation'> {
  /** The layer type (default `'flipout'`). */
  readonly layer?: BayesianLayerType;
  /** The hidden layers' activation (default `'relu'`); not with `activations`. */
  readonly activation?: Activation;
  /** The last layer's activation (default identity: the MLP outputs pre-activations, e.g. a head's parameters); not with `activations`. */
  readonly finalActivation?: Activation;
  /** One activation per layer (length = widths.length), overriding `activation` and `finalActivation`. */
  readonly activations?: readonly (Activation | undefined)[];
}

/** The params of a {@link bayesianMlp}: one {@link BayesianDenseParams} per layer under `${kind}_${i}`. */
export type BayesianMlpParams = { readonly [name: string]: BayesianDenseParams };

/** A stack of Bayesian Dense layers: a container {@link Module} whose KL is the sum of its layers'. */
export interface BayesianMlp extends Module<BayesianMlpParams> {
  readonly children: readonly NamedModule[];
  apply(params: BayesianMlpParams, x: tf.Tensor, options?: BayesianApplyOptions): tf.Tensor;
  klDivergence(params: BayesianMlpParams, options?: KlDivergenceOptions): tf.Scalar;
}

const FACTORIES: Record<BayesianLayerType, (units: number, options: BayesianDenseOptions) => BayesianDenseLayer> = {
  reparameterization: denseReparameterization,
  flipout: denseFlipout,
  localReparameterization: denseLocalReparameterization,
};

/**
 * A Bayesian MLP: Dense layers of widths `widths` (the output features of each layer, the input size
 * coming from `init`'s inputShape) of one Bayesian type, with `activation` between them (default
 * 'relu') and `finalActivation` after the last (default identity), or one entry per layer in
 * `activations`, as {@link mlp}. Built on {@link sequential}: children are named `${kind}_${i}`
 * (`DenseFlipout_0`, `DenseFlipout_1`, ...); layer i draws with `foldIn(key, i)`, also for its KL
 * term when a prior needs Monte Carlo; `klDivergence` is the sum of the layers'. Apply options pass
 * through to every layer, so `apply(params, x, { key })` draws and `{ sample: false }` gives the
 * posterior-mean network; a missing key is the first layer's error naming `key`.
 *
 * @example
 * const net = bayesianMlp([32, 32, 1], { layer: 'flipout', activation: 'tanh' });
 * const params = net.init(key(0), [1]);
 * // The negative ELBO per example: NLL of the batch + KL / (training-set size).
 * const loss = (p) => tf.add(nll(net.apply(p, x, { key: k })), tf.div(net.klDivergence(p), nTrain));
 */
export function bayesianMlp(widths: readonly number[], options: BayesianMlpOptions = {}): BayesianMlp {
  const where = 'bayesianMlp';
  if (!Array.isArray(widths) || widths.length === 0 || !widths.every((w) => typeof w === 'number' && Number.isSafeInteger(w) && w >= 1)) {
    throw new RangeError(`${where}: widths must be a non-empty array of positive integers (the output width of each layer), got ${JSON.stringify(widths)}`);
  }
  const { layer = 'flipout', activation, finalActivation, activations, ...layerOptions } = options;
  const factory = Object.prototype.hasOwnProperty.call(FACTORIES, layer) ? FACTORIES[layer] : undefined;
  if (factory === undefined) throw new RangeError(`${where}: layer must be one of ${Object.keys(FACTORIES).join(', ')}, got ${String(layer)}`);
  let acts: readonly (Activation | undefined)[];
  if (activations !== undefined) {
    if (activation !== undefined || finalActivation !== undefined) {
      throw new TypeError(`${where}: give either activations (one per layer) or activation/finalActivation, not both`);
    }
    if (!Array.isArray(activations) || activations.length !== widths.length) {
      throw new RangeError(`${where}: activations must have one entry per layer (${widths.length}), got ${Array.isArray(activations) ? activations.length : typeof activations}`);
    }
    acts = activations;
  } else {
    acts = widths.map((_, i) => (i === widths.length - 1 ? (finalActivation ?? 'identity') : (activation ?? 'relu')));
  }
  const layers = widths.map((units, i) => factory(units, { ...layerOptions, activation: acts[i] }));
  // The sequential has a klDivergence because every child does; apply passes `sample` through.
  return buildSequential('BayesianMLP', where, layers as unknown as Module[]) as unknown as BayesianMlp;
}
