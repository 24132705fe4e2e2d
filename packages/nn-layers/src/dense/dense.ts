import type * as tf from '@tensorflow/tfjs-core';
import { split } from '@probdl/tensor-backend';
import { resolveActivation, type Activation } from '../core/activations.js';
import type { Module } from '../core/module.js';
import { zeros } from '../initializers/constant.js';
import type { Initializer } from '../initializers/types.js';
import { lecunNormal } from '../initializers/variance-scaling.js';
import { denseOp } from './dense-op.js';

/** Options of {@link dense}. */
export interface DenseOptions {
  /** Applied to `x · kernel + bias` (default identity). */
  readonly activation?: Activation;
  /** Add a bias (default true); without one the params are `{ kernel }` only. */
  readonly useBias?: boolean;
  /** The kernel's initialiser (default {@link lecunNormal}, Flax's). */
  readonly kernelInit?: Initializer;
  /** The bias's initialiser (default {@link zeros}). */
  readonly biasInit?: Initializer;
  /** Passed to {@link denseOp}: true (default) for the fused path with its hand-written gradient, false for plain tfjs ops. */
  readonly fused?: boolean;
}

/** Dense parameters, named as in Flax: `kernel` `[in, units]`, `bias` `[units]` (absent with `useBias: false`). */
export type DenseParams = { readonly kernel: tf.Tensor; readonly bias?: tf.Tensor };

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * A fully connected layer, `activation(x · kernel + bias)` over the last axis of `x`
 * (`[...batch, ..., in]` → `[...batch, ..., units]`), as Flax's `nn.Dense`.
 */
export function dense(units: number, options: DenseOptions = {}): Module<DenseParams> {
  const where = `dense(${String(units)})`;
  if (typeof units !== 'number' || !Number.isSafeInteger(units) || units < 1) {
    throw new RangeError(`dense: units must be a positive integer, got ${String(units)}`);
  }
  resolveActivation(options.activation, `${where}: activation`); // unknown names fail here, not at apply
  const useBias = options.useBias ?? true;
  const kernelInit = options.kernelInit ?? lecunNormal();
  const biasInit = options.biasInit ?? zeros();
  const { activation, fused } = options;

  const checkInputShape = (inputShape: readonly number[], fn: string): number => {
    if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isSafeInteger(d) && d >= 1)) {
      throw new RangeError(`${where}.${fn}: inputShape must be a non-empty array of positive integers (one example, no batch axis), got ${Array.isArray(inputShape) ? formatShape(inputShape) : String(inputShape)}`);
    }
    return inputShape[inputShape.length - 1]!;
  };

  return {
    kind: 'Dense',
    init(key, inputShape) {
      const inDim = checkInputShape(inputShape, 'init');
      const [kernelKey, biasKey] = split(key, 2) as [typeof key, typeof key];
      const kernel = kernelInit(kernelKey, [inDim, units]);
      return useBias ? { kernel, bias: biasInit(biasKey, [units]) } : { kernel };
    },
    apply(params, x) {
      const { kernel, bias } = params ?? ({} as DenseParams);
      if (kernel === undefined || kernel.rank !== 2 || kernel.shape[1] !== units) {
        throw new RangeError(`${where}.apply: params.kernel must have shape [in, ${units}], got ${kernel === undefined ? 'no kernel' : formatShape(kernel.shape)}`);
      }
      if (useBias && (bias === undefined || bias.rank !== 1 || bias.shape[0] !== units)) {
        throw new RangeError(`${where}.apply: params.bias must have shape [${units}], got ${bias === undefined ? 'no bias' : formatShape(bias.shape)}`);
      }
      if (x.rank < 1 || x.shape[x.rank - 1] !== kernel.shape[0]) {
        throw new RangeError(`${where}.apply: x has last dimension ${x.shape[x.rank - 1] ?? 'none'} but the kernel expects ${kernel.shape[0]} (x shape ${formatShape(x.shape)})`);
      }
      return denseOp(x, kernel, useBias ? bias : undefined, activation, { fused });
    },
    outputShape(inputShape) {
      checkInputShape(inputShape, 'outputShape');
      return [...inputShape.slice(0, -1), units];
    },
  };
}
