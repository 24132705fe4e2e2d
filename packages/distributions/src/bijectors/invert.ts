import type * as tf from '@tensorflow/tfjs-core';
import type { KindedConstraint } from '../constraints/constraints.js';
import type { TensorInput } from '../internal/params.js';
import type { Bijector } from './types.js';

/**
 * The inverse of a bijector: forward is `bijector.inverse`, and so on. It takes ownership of
 * `bijector`: `dispose()` disposes it.
 */
export class Invert implements Bijector {
  readonly name: string;
  readonly bijector: Bijector;
  readonly forwardMinEventRank: number;
  readonly inverseMinEventRank: number;
  readonly isConstantJacobian: boolean;
  readonly domain: KindedConstraint | undefined;
  readonly codomain: KindedConstraint | undefined;
  readonly increasing: boolean | undefined;
  readonly batchShape: readonly number[] | undefined;

  constructor(bijector: Bijector) {
    if (bijector === null || typeof bijector !== 'object' || typeof bijector.forward !== 'function') {
      throw new TypeError(`Invert: argument 'bijector' must be a Bijector`);
    }
    this.bijector = bijector;
    this.name = `Invert(${bijector.name})`;
    this.forwardMinEventRank = bijector.inverseMinEventRank;
    this.inverseMinEventRank = bijector.forwardMinEventRank;
    this.isConstantJacobian = bijector.isConstantJacobian;
    this.domain = bijector.codomain;
    this.codomain = bijector.domain;
    this.increasing = bijector.increasing;
    // Parameter batch dims at the inverse's minimum rank: the same leading dims.
    this.batchShape = bijector.batchShape;
  }
  forward(x: TensorInput): tf.Tensor {
    return this.bijector.inverse(x);
  }
  inverse(y: TensorInput): tf.Tensor {
    return this.bijector.forward(y);
  }
  forwardLogDetJacobian(x: TensorInput): tf.Tensor {
    return this.bijector.inverseLogDetJacobian(x);
  }
  inverseLogDetJacobian(y: TensorInput): tf.Tensor {
    return this.bijector.forwardLogDetJacobian(y);
  }
  forwardEventShape(shape: readonly number[]): number[] {
    return this.bijector.inverseEventShape(shape);
  }
  inverseEventShape(shape: readonly number[]): number[] {
    return this.bijector.forwardEventShape(shape);
  }
  dispose(): void {
    this.bijector.dispose();
  }
}
