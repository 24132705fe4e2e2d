import { resolveActivation, type Activation } from '../core/activations.js';
import type { Module } from '../core/module.js';
import { dense } from '../dense/dense.js';
import type { Initializer } from '../initializers/types.js';
import { buildSequential } from './sequential.js';

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** The activation of every hidden layer (default 'relu'); not with `activations`. */
  readonly activation?: Activation;
  /** The last layer's activation (default 'identity'); not with `activations`. */
  readonly finalActivation?: Activation;
  /** One activation per layer (as many as `widths`), instead of `activation`/`finalActivation`. */
  readonly activations?: readonly Activation[];
  /** Kernel initialiser of every layer (default lecunNormal, Flax's Dense default). */
  readonly kernelInit?: Initializer;
  /** Bias initialiser of every layer (default zeros). */
  readonly biasInit?: Initializer;
  /** Biases in every layer (default true). */
  readonly useBias?: boolean;
  /** Dense's fused path (default true); false for the plain tfjs ops. */
  readonly fused?: boolean;
}

/**
 * A multilayer perceptron: a {@link sequential} of Dense layers of the given output widths
 * (the input width comes from `init`'s input shape), kind 'MLP', params `{ Dense_0, Dense_1, ... }`.
 * E.g. the Flax tutorial's 1→10→10→1 regressor is `mlp([10, 10, 1], { activation: 'tanh' })`, and
 * `mlp([128, 128, 64, 1], { activations: ['relu', 'relu', 'tanh', 'identity'] })` names each.
 */
export function mlp(widths: readonly number[], options: MlpOptions = {}): Module {
  const where = 'mlp';
  if (!Array.isArray(widths) || widths.length === 0 || !widths.every((w) => typeof w === 'number' && Number.isSafeInteger(w) && w >= 1)) {
    throw new RangeError(`${where}: widths must be a non-empty array of positive integers (the output width of each layer), got ${JSON.stringify(widths)}`);
  }
  let acts: readonly (Activation | undefined)[];
  if (options.activations !== undefined) {
    if (options.activation !== undefined || options.finalActivation !== undefined) {
      throw new TypeError(`${where}: give either activations (one per layer) or activation/finalActivation, not both`);
    }
    if (!Array.isArray(options.activations) || options.activations.length !== widths.length) {
      throw new RangeError(`${where}: activations must have one entry per layer (${widths.length}), got ${Array.isArray(options.activations) ? options.activations.length : typeof options.activations}`);
    }
    acts = options.activations;
  } else {
    // Checked here too: with one layer the hidden activation is otherwise never looked at.
    resolveActivation(options.activation, `${where}: activation`);
    const hidden = options.activation ?? 'relu';
    const last = options.finalActivation ?? 'identity';
    acts = widths.map((_, i) => (i === widths.length - 1 ? last : hidden));
  }
  const layers = widths.map((w, i) =>
    dense(w, {
      activation: acts[i],
      useBias: options.useBias,
      kernelInit: options.kernelInit,
      biasInit: options.biasInit,
      fused: options.fused,
    }),
  );
  return buildSequential('MLP', where, layers);
}
