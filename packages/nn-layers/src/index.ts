/**
 * @probdl/nn-layers: Flax-style neural-network modules for tfjs.
 *
 * A {@link Module} is `init(key, inputShape) -> params` and `apply(params, x, options)`, with
 * params a plain pytree; heads turn features into distributions of @probdl/distributions;
 * Bayesian layers report their KL term.
 *
 * @packageDocumentation
 */

export type { Module, NamedModule, ApplyOptions, StatefulApplyOptions, StatefulOutput } from './core/module.js';
export { ACTIVATION_NAMES, resolveActivation, identity, relu, leakyRelu, elu, gelu, silu, sigmoid, tanh, softplus, softmax } from './core/activations.js';
export type { Activation, ActivationName } from './core/activations.js';
export type { Initializer } from './initializers/types.js';
export { denseOp, unfusedDense } from './dense/dense-op.js';
export type { DenseOpOptions } from './dense/dense-op.js';
// Initialisers as a namespace, as Flax's `nn.initializers` (`initializers.heNormal()`): their names
// (normal, uniform, zeros, ...) would be ambiguous at the top level.
export * as initializers from './initializers/index.js';
export * from './dense/index.js';
export * from './layers/index.js';
export * from './heads/index.js';
export * from './bayesian/index.js';
export * from './losses/index.js';
export * from './io/index.js';
