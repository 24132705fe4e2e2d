import * as tf from '@tensorflow/tfjs-core';
import type { KindedConstraint } from '../constraints/constraints.js';
import type { TensorInput } from '../internal/params.js';
import { dropRightmost, liftConstraint, sumRightmost } from './bijector-base.js';
import type { Bijector } from './types.js';

/**
 * Treats `reinterpretedNdims` more trailing dimensions as part of one event: the same map, with
 * log-det-Jacobians summed over those dimensions too (the bijector of `independent(c, n)`). It
 * takes ownership of `bijector`: `dispose()` disposes it.
 */
export class IndependentBijector implements Bijector {
  readonly name: string;
  readonly bijector: Bijector;
  readonly reinterpretedNdims: number;
  readonly forwardMinEventRank: number;
  readonly inverseMinEventRank: number;
  readonly isConstantJacobian: boolean;
  readonly domain: KindedConstraint | undefined;
  readonly codomain: KindedConstraint | undefined;
  readonly increasing: boolean | undefined = undefined;
  readonly batchShape: readonly number[];

  constructor(bijector: Bijector, reinterpretedNdims: number) {
    if (bijector === null || typeof bijector !== 'object' || typeof bijector.forward !== 'function') {
      throw new TypeError(`IndependentBijector: argument 'bijector' must be a Bijector`);
    }
    if (!Number.isInteger(reinterpretedNdims) || reinterpretedNdims < 0) {
      throw new RangeError(`IndependentBijector: argument 'reinterpretedNdims' must be a non-negative integer, got ${reinterpretedNdims}`);
    }
    this.bijector = bijector;
    this.reinterpretedNdims = reinterpretedNdims;
    this.name = `IndependentBijector(${bijector.name}, ${reinterpretedNdims})`;
    this.forwardMinEventRank = bijector.forwardMinEventRank + reinterpretedNdims;
    this.inverseMinEventRank = bijector.inverseMinEventRank + reinterpretedNdims;
    this.isConstantJacobian = bijector.isConstantJacobian;
    this.domain = bijector.domain && liftConstraint(bijector.domain, this.forwardMinEventRank);
    this.codomain = bijector.codomain && liftConstraint(bijector.codomain, this.inverseMinEventRank);
    this.batchShape = dropRightmost(bijector.batchShape ?? [], reinterpretedNdims);
    if (reinterpretedNdims === 0) this.increasing = bijector.increasing;
  }
  private checkRank(t: TensorInput, min: number, arg: string): void {
    if (t instanceof tf.Tensor && t.rank < min) {
      throw new RangeError(`${this.name}: argument '${arg}' must have rank >= ${min}, got shape [${t.shape.join(', ')}]`);
    }
  }
  forward(x: TensorInput): tf.Tensor {
    this.checkRank(x, this.forwardMinEventRank, 'x');
    return this.bijector.forward(x);
  }
  inverse(y: TensorInput): tf.Tensor {
    this.checkRank(y, this.inverseMinEventRank, 'y');
    return this.bijector.inverse(y);
  }
  forwardLogDetJacobian(x: TensorInput): tf.Tensor {
    this.checkRank(x, this.forwardMinEventRank, 'x');
    return tf.tidy(() => {
      const l = this.bijector.forwardLogDetJacobian(x);
      return this.reinterpretedNdims === 0 ? l : sumRightmost(l, this.reinterpretedNdims);
    });
  }
  inverseLogDetJacobian(y: TensorInput): tf.Tensor {
    this.checkRank(y, this.inverseMinEventRank, 'y');
    return tf.tidy(() => {
      const l = this.bijector.inverseLogDetJacobian(y);
      return this.reinterpretedNdims === 0 ? l : sumRightmost(l, this.reinterpretedNdims);
    });
  }
  forwardEventShape(shape: readonly number[]): number[] {
    this.checkShape(shape, this.forwardMinEventRank, 'x');
    return this.bijector.forwardEventShape(shape);
  }
  inverseEventShape(shape: readonly number[]): number[] {
    this.checkShape(shape, this.inverseMinEventRank, 'y');
    return this.bijector.inverseEventShape(shape);
  }
  private checkShape(shape: readonly number[], min: number, arg: string): void {
    if (shape.length < min) throw new RangeError(`${this.name}: argument '${arg}' must have rank >= ${min}, got shape [${shape.join(', ')}]`);
  }
  dispose(): void {
    this.bijector.dispose();
  }
}
