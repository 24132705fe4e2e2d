import * as tf from '@tensorflow/tfjs-core';
import { resolveActivation, type Activation } from '../core/activations.js';
import { fusedLinear, type FusedActivation } from './fused-linear.js';

/** How {@link denseOp} computes: `fused` (the default) or the plain tfjs ops it is tested against. */
export interface DenseOpOptions {
  /**
   * true (default): one fused matmul + bias + activation where the backend has it, with a gradient
   * written by hand (operands transposed explicitly, which tfjs-wasm runs ~10× faster than
   * matmul's transpose flags). false: `matMul`, `add` and the activation as separate tfjs ops with
   * tfjs's own gradients, the reference.
   */
  readonly fused?: boolean;
}

/**
 * The activations that the fused path handles inside its hand-written gradient; any other
 * activation (gelu, silu, softplus, softmax, a function) is applied after the fused
 * matmul + bias, with tfjs's own gradient.
 */
const FUSED: Partial<Record<string, FusedActivation>> = {
  identity: 'linear',
  linear: 'linear',
  relu: 'relu',
  elu: 'elu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  leakyRelu: 'leakyrelu',
};

/**
 * `activation(x · kernel + bias)` for `x` of shape `[...batch, in]`, `kernel` `[in, out]`,
 * `bias` `[out]` (optional): the Dense layer's arithmetic, differentiable in all three.
 *
 * The fused path (default) flattens the batch dimensions to one, runs one `tf.fused.matMul`
 * (matmul + bias + relu/elu/sigmoid/leakyRelu in one kernel; tanh as a cheap sigmoid identity on
 * wasm, whose own tanh is slow) and differentiates with a hand-written gradient. Under nested
 * differentiation (a Hessian through the layer) it falls back to the unfused ops, whose second
 * derivatives tfjs knows.
 */
export function denseOp(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | undefined, activation: Activation | undefined, options: DenseOpOptions = {}): tf.Tensor {
  if (options.fused === false || nestedGradient()) return unfusedDense(x, kernel, bias, activation);
  const name = typeof activation === 'function' ? undefined : (activation ?? 'linear');
  const fusedAct = name === undefined ? undefined : FUSED[name];
  return tf.tidy(() => {
    const inDim = kernel.shape[0]!;
    const outDim = kernel.shape[1]!;
    const x2 = x.rank === 2 ? x : tf.reshape(x, [-1, inDim]);
    let y = fusedLinear(x2 as tf.Tensor2D, kernel as tf.Tensor2D, bias as tf.Tensor1D | undefined, fusedAct ?? 'linear');
    if (fusedAct === undefined) y = resolveActivation(activation)(y) as tf.Tensor2D;
    return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), outDim]);
  });
}

/** The reference: separate tfjs ops, tfjs's gradients. */
export function unfusedDense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | undefined, activation: Activation | undefined): tf.Tensor {
  return tf.tidy(() => {
    const inDim = kernel.shape[0]!;
    const lead = x.shape.slice(0, -1);
    const x2 = x.rank === 2 ? x : tf.reshape(x, [-1, inDim]);
    let z = tf.matMul(x2, kernel);
    if (bias !== undefined) z = tf.add(z, bias);
    const y = resolveActivation(activation)(z);
    return x.rank === 2 ? y : tf.reshape(y, [...lead, kernel.shape[1]!]);
  });
}

/**
 * True while a gradient is itself being differentiated (tfjs records the backward pass of an
 * inner `valueAndGrad` on an outer tape): the hand-written gradient is first order only.
 */
function nestedGradient(): boolean {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: unknown } }).state;
  return typeof state?.gradientDepth === 'number' && state.gradientDepth > 1;
}
