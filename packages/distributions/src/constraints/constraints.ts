import * as tf from '@tensorflow/tfjs-core';
import { cholesky } from '@probdl/tensor-backend';
import type { Constraint } from './types.js';

/** Which constraint this is, with its bounds: `bijectTo` dispatches on it. */
export type ConstraintKind =
  | { readonly type: 'real' }
  | { readonly type: 'positive' }
  | { readonly type: 'nonNegative' }
  | { readonly type: 'unitInterval' }
  | { readonly type: 'interval'; readonly low: number; readonly high: number }
  | { readonly type: 'greaterThan'; readonly bound: number }
  | { readonly type: 'lessThan'; readonly bound: number }
  | { readonly type: 'integerInterval'; readonly low: number; readonly high: number }
  | { readonly type: 'nonNegativeInteger' }
  | { readonly type: 'boolean' }
  | { readonly type: 'simplex' }
  | { readonly type: 'ordered' }
  | { readonly type: 'realVector' }
  | { readonly type: 'positiveDefinite' }
  | { readonly type: 'lowerCholesky' }
  | { readonly type: 'corrCholesky' }
  | { readonly type: 'oneHot' }
  | { readonly type: 'independent'; readonly base: KindedConstraint; readonly reinterpreted: number };

/** A constraint whose kind `bijectTo` can read. */
export interface KindedConstraint extends Constraint {
  readonly kind: ConstraintKind;
}

function make(name: string, kind: ConstraintKind, eventRank: number, discrete: boolean, check: (x: tf.Tensor) => tf.Tensor): KindedConstraint {
  return Object.freeze({ name, kind, eventRank, discrete, check: (x: tf.Tensor) => tf.tidy(() => check(x)) });
}

const isNotNaN = (x: tf.Tensor) => tf.logicalNot(tf.isNaN(x));
const isInteger = (x: tf.Tensor) => tf.equal(tf.floor(x), x);
const allLast = (b: tf.Tensor) => tf.all(b, -1);
const allLast2 = (b: tf.Tensor) => tf.all(tf.all(b, -1), -1);
/** Float32 rounding allowance for sums and symmetry checks. */
const TOL = 1e-5;

/** All reals (NaN excluded; ±Infinity included, as a float32 limit). */
export const real = make('real', { type: 'real' }, 0, false, isNotNaN);
/** x > 0. */
export const positive = make('positive', { type: 'positive' }, 0, false, (x) => tf.greater(x, 0));
/** x >= 0. */
export const nonNegative = make('nonNegative', { type: 'nonNegative' }, 0, false, (x) => tf.greaterEqual(x, 0));
/** 0 <= x <= 1. */
export const unitInterval = make('unitInterval', { type: 'unitInterval' }, 0, false, (x) => tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, 1)));
/** Whole-number counts 0, 1, 2, .... */
export const nonNegativeInteger = make('nonNegativeInteger', { type: 'nonNegativeInteger' }, 0, true, (x) => tf.logicalAnd(tf.greaterEqual(x, 0), isInteger(x)));
/** 0 or 1. */
export const boolean = make('boolean', { type: 'boolean' }, 0, true, (x) => tf.logicalOr(tf.equal(x, 0), tf.equal(x, 1)));
/** Vectors of reals (one event is the last axis). */
export const realVector = make('realVector', { type: 'realVector' }, 1, false, (x) => allLast(isNotNaN(x)));
/** Vectors with non-negative entries summing to one along the last axis. */
export const simplex = make('simplex', { type: 'simplex' }, 1, false, (x) =>
  tf.logicalAnd(allLast(tf.greaterEqual(x, 0)), tf.lessEqual(tf.abs(tf.sub(tf.sum(x, -1), 1)), TOL * Math.max(1, x.shape[x.rank - 1] ?? 1))),
);
/** One-hot vectors (a single 1, zeros elsewhere) along the last axis. */
export const oneHot = make('oneHot', { type: 'oneHot' }, 1, true, (x) =>
  tf.logicalAnd(allLast(tf.logicalOr(tf.equal(x, 0), tf.equal(x, 1))), tf.equal(tf.sum(x, -1), 1)),
);
/** Strictly increasing vectors along the last axis. */
export const ordered = make('ordered', { type: 'ordered' }, 1, false, (x) => {
  const n = x.shape[x.rank - 1] ?? 0;
  if (n < 2) return allLast(isNotNaN(x));
  const hi = tf.slice(x, new Array(x.rank - 1).fill(0).concat([1]), x.shape.slice(0, -1).concat([n - 1]));
  const lo = tf.slice(x, new Array(x.rank).fill(0), x.shape.slice(0, -1).concat([n - 1]));
  return allLast(tf.greater(hi, lo));
});

function lowerTriangularMask(n: number): tf.Tensor {
  return tf.linalg.bandPart(tf.ones([n, n]), -1, 0);
}
function diagonal(x: tf.Tensor): tf.Tensor {
  const n = x.shape[x.rank - 1]!;
  return tf.sum(tf.mul(x, tf.eye(n)), -1);
}

/** Lower-triangular matrices with a positive diagonal (Cholesky factors). */
export const lowerCholesky = make('lowerCholesky', { type: 'lowerCholesky' }, 2, false, (x) => {
  const n = x.shape[x.rank - 1]!;
  const upperZero = allLast2(tf.logicalOr(tf.equal(x, 0), tf.cast(lowerTriangularMask(n), 'bool')));
  return tf.logicalAnd(upperZero, allLast(tf.greater(diagonal(x), 0)));
});
/** Cholesky factors of correlation matrices: lowerCholesky with unit-norm rows. */
export const corrCholesky = make('corrCholesky', { type: 'corrCholesky' }, 2, false, (x) => {
  const rowNorm = tf.sqrt(tf.sum(tf.square(x), -1));
  return tf.logicalAnd(lowerCholesky.check(x), allLast(tf.lessEqual(tf.abs(tf.sub(rowNorm, 1)), 10 * TOL)));
});
/** Symmetric positive-definite matrices: symmetric within float32 rounding, and a Cholesky factor exists. */
export const positiveDefinite = make('positiveDefinite', { type: 'positiveDefinite' }, 2, false, (x) => {
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  perm[x.rank - 2] = x.rank - 1;
  perm[x.rank - 1] = x.rank - 2;
  const xt = tf.transpose(x, perm);
  const scale = tf.add(tf.max(tf.abs(x), [-1, -2]), 1e-30);
  const symmetric = tf.lessEqual(tf.div(tf.max(tf.abs(tf.sub(x, xt)), [-1, -2]), scale), 10 * TOL);
  // tensor-backend's cholesky turns the columns from a non-positive pivot on into NaN.
  const factorFinite = tf.logicalNot(tf.any(tf.any(tf.isNaN(cholesky(x)), -1), -1));
  return tf.logicalAnd(symmetric, factorFinite);
});

/** low <= x <= high. */
export function interval(low: number, high: number): KindedConstraint {
  if (!(low < high)) throw new RangeError(`interval: low (${low}) must be below high (${high})`);
  return make(`interval(${low}, ${high})`, { type: 'interval', low, high }, 0, false, (x) => tf.logicalAnd(tf.greaterEqual(x, low), tf.lessEqual(x, high)));
}
/** x > bound (x >= bound at the bound itself is allowed only as a float32 limit: strict here). */
export function greaterThan(bound: number): KindedConstraint {
  return make(`greaterThan(${bound})`, { type: 'greaterThan', bound }, 0, false, (x) => tf.greater(x, bound));
}
/** x < bound. */
export function lessThan(bound: number): KindedConstraint {
  return make(`lessThan(${bound})`, { type: 'lessThan', bound }, 0, false, (x) => tf.less(x, bound));
}
/** Integers low, low+1, ..., high. */
export function integerInterval(low: number, high: number): KindedConstraint {
  return make(`integerInterval(${low}, ${high})`, { type: 'integerInterval', low, high }, 0, true, (x) =>
    tf.logicalAnd(isInteger(x), tf.logicalAnd(tf.greaterEqual(x, low), tf.lessEqual(x, high))),
  );
}
/** Reinterprets the last `reinterpreted` batch dimensions of an elementwise constraint as event dimensions. */
export function independent(base: KindedConstraint, reinterpreted: number): KindedConstraint {
  if (reinterpreted === 0) return base;
  return make(`independent(${base.name}, ${reinterpreted})`, { type: 'independent', base, reinterpreted }, base.eventRank + reinterpreted, base.discrete, (x) => {
    let b = base.check(x);
    for (let i = 0; i < reinterpreted; i++) b = tf.all(b, -1);
    return b;
  });
}
