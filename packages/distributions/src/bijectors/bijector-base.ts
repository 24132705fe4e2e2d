import * as tf from '@tensorflow/tfjs-core';
import { independent, real, realVector, type KindedConstraint } from '../constraints/constraints.js';
import { ParamStore } from '../internal/param-store.js';
import { toValue, type TensorInput } from '../internal/params.js';
import { syncValues, type PendingCheck } from '../internal/validation.js';
import type { Bijector } from './types.js';

/** Options every parameterised bijector takes. */
export interface BijectorOptions {
  /**
   * Check parameters on construction (default true): host numbers at once, tensors on cpu/wasm
   * with a synchronous readback, on WebGPU by `await bijector.validate()`.
   */
  readonly validateArgs?: boolean;
}

/** Sums the last `n` dimensions of t (t itself when n <= 0). */
export function sumRightmost(t: tf.Tensor, n: number): tf.Tensor {
  if (n <= 0) return t;
  const axes: number[] = [];
  for (let i = 1; i <= n; i++) axes.push(t.rank - i);
  return tf.sum(t, axes);
}

/** Drops the last `n` dimensions of a shape. */
export function dropRightmost(shape: readonly number[], n: number): number[] {
  return n <= 0 ? [...shape] : shape.slice(0, Math.max(0, shape.length - n));
}

/** The whole space of rank-`rank` events: real, realVector, or independent(real, rank). */
export function realOfRank(rank: number): KindedConstraint {
  return rank === 0 ? real : rank === 1 ? realVector : independent(real, rank);
}

/** Lifts a constraint on events of its rank to events of `rank` (independent over the extra dimensions). */
export function liftConstraint(c: KindedConstraint, rank: number): KindedConstraint {
  if (rank <= c.eventRank) return c;
  return c.kind.type === 'real' || c.kind.type === 'realVector' ? realOfRank(rank) : independent(c, rank - c.eventRank);
}

/**
 * Shared machinery of the bijectors: conversion of inputs (numbers, arrays, tensors), rank checks,
 * `tf.tidy` around every method, parameter ownership and validation. Subclasses implement
 * `forwardImpl`, `inverseImpl`, `forwardLdjImpl` and, where a direct form is better,
 * `inverseLdjImpl` (default: -forwardLdj(inverse(y))).
 */
export abstract class BaseBijector implements Bijector {
  abstract readonly name: string;
  readonly forwardMinEventRank: number = 0;
  readonly inverseMinEventRank: number = 0;
  readonly isConstantJacobian: boolean = false;
  readonly domain: KindedConstraint | undefined = real;
  readonly codomain: KindedConstraint | undefined = real;
  readonly increasing: boolean | undefined = undefined;
  readonly batchShape: readonly number[] = [];
  readonly validateArgs: boolean;

  private readonly paramStore = new ParamStore();

  protected constructor(options: BijectorOptions = {}) {
    this.validateArgs = options.validateArgs ?? true;
  }

  protected abstract forwardImpl(x: tf.Tensor): tf.Tensor;
  protected abstract inverseImpl(y: tf.Tensor): tf.Tensor;
  protected abstract forwardLdjImpl(x: tf.Tensor): tf.Tensor;
  protected inverseLdjImpl(y: tf.Tensor): tf.Tensor {
    return tf.neg(this.forwardLdjImpl(this.inverseImpl(y)));
  }

  forward(x: TensorInput): tf.Tensor {
    return tf.tidy(() => fresh(this.forwardImpl(this.input(x, 'x', this.forwardMinEventRank)), x));
  }
  inverse(y: TensorInput): tf.Tensor {
    return tf.tidy(() => fresh(this.inverseImpl(this.input(y, 'y', this.inverseMinEventRank)), y));
  }
  forwardLogDetJacobian(x: TensorInput): tf.Tensor {
    return tf.tidy(() => fresh(this.forwardLdjImpl(this.input(x, 'x', this.forwardMinEventRank)), x));
  }
  inverseLogDetJacobian(y: TensorInput): tf.Tensor {
    return tf.tidy(() => fresh(this.inverseLdjImpl(this.input(y, 'y', this.inverseMinEventRank)), y));
  }
  forwardEventShape(shape: readonly number[]): number[] {
    this.checkShapeRank(shape, this.forwardMinEventRank, 'x');
    return [...shape];
  }
  inverseEventShape(shape: readonly number[]): number[] {
    this.checkShapeRank(shape, this.inverseMinEventRank, 'y');
    return [...shape];
  }

  /**
   * Runs the parameter checks that could not run on construction (tensor parameters on WebGPU)
   * with one asynchronous readback each; rejects with the error construction would have thrown.
   */
  async validate(): Promise<this> {
    await this.paramStore.validate(this.name);
    return this;
  }

  dispose(): void {
    this.paramStore.dispose();
  }

  // ---- helpers for subclasses ----

  /** Converts a constructor parameter (owning uploaded host values) and checks it when validating. */
  protected param(arg: string, value: TensorInput | undefined, check?: PendingCheck['check']): tf.Tensor {
    return this.paramWithValues(arg, value, check).tensor;
  }

  /**
   * Like {@link param}, also returning the parameter's values when they can be read without
   * waiting (host input always; tensors on cpu and wasm), for properties such as monotonicity.
   */
  protected paramWithValues(
    arg: string,
    value: TensorInput | undefined,
    check?: PendingCheck['check'],
  ): { tensor: tf.Tensor; values: Float64Array | undefined } {
    const p = this.paramStore.convert(this.name, arg, value);
    const values = p.host ?? (this.validateArgs ? syncValues(p) : undefined);
    if (check && this.validateArgs) this.paramStore.check(this.name, arg, p.tensor, values, check, () => this.dispose());
    return { tensor: p.tensor, values };
  }

  /** Records a tensor computed at construction, freed by dispose. */
  protected own<T extends tf.Tensor>(t: T): T {
    return this.paramStore.own(t);
  }

  /** A method input as float32, with a rank check. */
  protected input(x: TensorInput, arg: string, minRank: number): tf.Tensor {
    const v = toValue(this.name, arg, x);
    this.checkShapeRank(v.shape, minRank, arg);
    return v;
  }

  protected checkShapeRank(shape: readonly number[], minRank: number, arg: string): void {
    if (shape.length < minRank) {
      throw new RangeError(`${this.name}: argument '${arg}' must have rank >= ${minRank}, got shape [${shape.join(', ')}]`);
    }
  }
}

/** The result of an implementation, cloned when it is the caller's input itself (Identity). */
function fresh(out: tf.Tensor, input: TensorInput): tf.Tensor {
  return out === input ? tf.clone(out) : out;
}
