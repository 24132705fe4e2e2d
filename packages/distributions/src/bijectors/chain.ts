import * as tf from '@tensorflow/tfjs-core';
import type { KindedConstraint } from '../constraints/constraints.js';
import { broadcastShapes, toValue, type TensorInput } from '../internal/params.js';
import { dropRightmost, liftConstraint, sumRightmost } from './bijector-base.js';
import type { Bijector } from './types.js';

/** Options of {@link Chain}. */
export interface ChainOptions {
  /**
   * The image of the chain when the caller knows it better than the outermost bijector's codomain
   * (bijectTo passes e.g. greaterThan(b) for Chain([Shift(b), Exp])).
   */
  readonly codomain?: KindedConstraint;
}

/**
 * The composition of bijectors in TFP order: `Chain([f, g]).forward(x) = f(g(x))` (the last one
 * is applied first). Event ranks are tracked through the chain: the chain's
 * `forwardMinEventRank` is the smallest input rank at which every part sees at least its own
 * minimum rank, and each part's log-det-Jacobian is summed over the dimensions beyond its own
 * minimum before the parts are added. `Chain([])` is the identity. The chain takes ownership of
 * its parts: `dispose()` disposes them.
 */
export class Chain implements Bijector {
  readonly name: string;
  readonly bijectors: readonly Bijector[];
  readonly forwardMinEventRank: number;
  readonly inverseMinEventRank: number;
  readonly isConstantJacobian: boolean;
  readonly domain: KindedConstraint | undefined;
  readonly codomain: KindedConstraint | undefined;
  readonly increasing: boolean | undefined;
  readonly batchShape: readonly number[];
  /** Input event rank of each part (index as in `bijectors`) when the chain's input has rank forwardMinEventRank. */
  private readonly inputRanks: number[];

  constructor(bijectors: readonly Bijector[], options: ChainOptions = {}) {
    if (!Array.isArray(bijectors)) throw new TypeError(`Chain: argument 'bijectors' must be an array of bijectors`);
    bijectors.forEach((b, i) => {
      if (b === null || typeof b !== 'object' || typeof (b as Bijector).forward !== 'function') {
        throw new TypeError(`Chain: argument 'bijectors' entry ${i} is not a Bijector`);
      }
    });
    this.bijectors = [...bijectors];
    this.name = `Chain(${this.bijectors.map((b) => b.name).join(', ')})`;
    // Application order is last to first. delta = rank change of a part (output - input).
    const applied = [...this.bijectors].reverse();
    let cum = 0;
    let minIn = 0;
    for (const b of applied) {
      minIn = Math.max(minIn, b.forwardMinEventRank - cum);
      cum += b.inverseMinEventRank - b.forwardMinEventRank;
    }
    this.forwardMinEventRank = minIn;
    this.inverseMinEventRank = minIn + cum;
    const ranks: number[] = [];
    let r = minIn;
    for (const b of applied) {
      ranks.push(r);
      r += b.inverseMinEventRank - b.forwardMinEventRank;
    }
    this.inputRanks = ranks.reverse();
    this.batchShape = broadcastShapes(
      this.name,
      Object.fromEntries(this.bijectors.map((b, i) => [`${b.name} #${i}`, dropRightmost(b.batchShape ?? [], this.inputRanks[i]! - b.forwardMinEventRank)])),
    );
    this.isConstantJacobian = this.bijectors.every((b) => b.isConstantJacobian);
    const innermost = applied[0];
    const outermost = this.bijectors[0];
    this.domain = innermost?.domain && liftConstraint(innermost.domain, this.forwardMinEventRank);
    const outCodomain = outermost ? outermost.codomain : undefined;
    this.codomain = options.codomain ?? (outermost ? outCodomain && liftConstraint(outCodomain, this.inverseMinEventRank) : undefined);
    if (this.inverseMinEventRank !== 0 || this.forwardMinEventRank !== 0) this.increasing = undefined;
    else {
      let inc: boolean | undefined = true;
      for (const b of this.bijectors) inc = inc === undefined || b.increasing === undefined ? undefined : inc === b.increasing;
      this.increasing = inc;
    }
  }

  private input(x: TensorInput, arg: string, min: number): tf.Tensor {
    const v = toValue(this.name, arg, x);
    if (v.rank < min) throw new RangeError(`${this.name}: argument '${arg}' must have rank >= ${min}, got shape [${v.shape.join(', ')}]`);
    return v;
  }

  forward(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      let v = this.input(x, 'x', this.forwardMinEventRank);
      if (this.bijectors.length === 0) return tf.clone(v);
      for (let i = this.bijectors.length - 1; i >= 0; i--) v = this.bijectors[i]!.forward(v);
      return v;
    });
  }
  inverse(y: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      let v = this.input(y, 'y', this.inverseMinEventRank);
      if (this.bijectors.length === 0) return tf.clone(v);
      for (const b of this.bijectors) v = b.inverse(v);
      return v;
    });
  }
  forwardLogDetJacobian(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      let v = this.input(x, 'x', this.forwardMinEventRank);
      const batch = v.shape.slice(0, v.rank - this.forwardMinEventRank);
      let total: tf.Tensor = tf.zeros(batch);
      for (let i = this.bijectors.length - 1; i >= 0; i--) {
        const b = this.bijectors[i]!;
        const l = b.forwardLogDetJacobian(v);
        total = tf.add(total, sumRightmost(l, this.inputRanks[i]! - b.forwardMinEventRank));
        if (i > 0) v = b.forward(v);
      }
      return total;
    });
  }
  inverseLogDetJacobian(y: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      let v = this.input(y, 'y', this.inverseMinEventRank);
      const batch = v.shape.slice(0, v.rank - this.inverseMinEventRank);
      let total: tf.Tensor = tf.zeros(batch);
      this.bijectors.forEach((b, i) => {
        const outRank = this.inputRanks[i]! + b.inverseMinEventRank - b.forwardMinEventRank;
        const l = b.inverseLogDetJacobian(v);
        total = tf.add(total, sumRightmost(l, outRank - b.inverseMinEventRank));
        if (i < this.bijectors.length - 1) v = b.inverse(v);
      });
      return total;
    });
  }
  forwardEventShape(shape: readonly number[]): number[] {
    let s = [...shape];
    for (let i = this.bijectors.length - 1; i >= 0; i--) s = this.bijectors[i]!.forwardEventShape(s);
    return s;
  }
  inverseEventShape(shape: readonly number[]): number[] {
    let s = [...shape];
    for (const b of this.bijectors) s = b.inverseEventShape(s);
    return s;
  }
  dispose(): void {
    for (const b of this.bijectors) b.dispose();
  }
}
