import * as tf from '@tensorflow/tfjs-core';
import type { ApplyOptions, Module } from '../core/module.js';
import { checkInputShape, checkInt, checkTensor, fmtShape } from './internal/checks.js';

/** Options of {@link polynomialBasis}. */
export interface PolynomialBasisOptions {
  /** Put the constant feature 1 first. Default true. */
  readonly includeBias?: boolean;
}

/** The polynomial basis has no parameters. */
export type PolynomialBasisParams = Record<string, never>;

/**
 * Polynomial features for Bayesian linear regression: x `[..., 1]` → `[..., 1 + degree]` with
 * features `[1, x, x², …, x^degree]`. For x `[..., d]` the powers are elementwise and grouped by
 * degree: `[1, x₁..x_d, x₁²..x_d², …]`, width `1 + degree·d` (without the 1 when `includeBias` is
 * false). Parameters: `{}`.
 */
export function polynomialBasis(degree: number, options: PolynomialBasisOptions = {}): Module<PolynomialBasisParams> {
  checkInt('polynomialBasis', 'degree', degree, 1);
  const includeBias = options.includeBias ?? true;
  const where = `polynomialBasis(${degree})`;
  const width = (d: number): number => (includeBias ? 1 : 0) + degree * d;
  return {
    kind: 'PolynomialBasis',
    init(_key, inputShape) {
      checkInputShape(`${where}.init`, inputShape, 1);
      return {};
    },
    outputShape(inputShape) {
      checkInputShape(`${where}.outputShape`, inputShape, 1);
      return [...inputShape.slice(0, -1), width(inputShape[inputShape.length - 1]!)];
    },
    apply(_params: PolynomialBasisParams, x: tf.Tensor, _options?: ApplyOptions): tf.Tensor {
      checkTensor(`${where}.apply`, 'x', x);
      if (x.rank < 1) throw new RangeError(`${where}.apply: x must be [..., d] (features on the last axis), got shape ${fmtShape(x.shape)}`);
      return tf.tidy(() => {
        const xf = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
        // Powers by repeated products: exact gradients at x = 0 and for negative x.
        const parts: tf.Tensor[] = includeBias ? [tf.onesLike(tf.slice(xf, new Array<number>(x.rank).fill(0), [...x.shape.slice(0, -1), 1]))] : [];
        let p = xf;
        parts.push(p);
        for (let k = 2; k <= degree; k++) {
          p = tf.mul(p, xf);
          parts.push(p);
        }
        return parts.length === 1 ? tf.clone(parts[0]!) : tf.concat(parts, -1);
      });
    },
  };
}
