import * as tf from '@tensorflow/tfjs-core';
import { lowerCholesky, type KindedConstraint } from '../constraints/constraints.js';
import { BaseBijector, type BijectorOptions } from './bijector-base.js';
import { Softplus } from './softplus.js';
import { gatherLast, packedDim, packedIndex, packedLength, squareDim } from './triangular.js';
import type { Bijector } from './types.js';

/** Parameters of {@link FillScaleTriL}. */
export interface FillScaleTriLParams extends BijectorOptions {
  /** Elementwise map of the diagonal onto positive values (default Softplus; Exp also fits). The FillScaleTriL takes ownership of it. */
  readonly diagBijector?: Bijector;
  /** Added to the diagonal after `diagBijector` (default 0; TFP's default is 1e-5). */
  readonly diagShift?: number;
}

/**
 * A vector of length d(d+1)/2 → a d×d lower-triangular matrix with positive diagonal. Packing is
 * row-major over the lower triangle: x = [L00, L10, L11, L20, L21, L22, ...] (numpy
 * `tril_indices` order, not TFP's fill_triangular order); diagonal entries pass through
 * `diagBijector` (Softplus by default) plus `diagShift`, the others are copied. log|det J| is
 * that of the map onto the lower-triangle entries: Σ diagBijector.forwardLogDetJacobian(x_diag).
 */
export class FillScaleTriL extends BaseBijector {
  readonly name: string = 'FillScaleTriL';
  override readonly forwardMinEventRank: number = 1;
  override readonly inverseMinEventRank: number = 2;
  override readonly codomain: KindedConstraint | undefined = lowerCholesky;
  readonly diagBijector: Bijector;
  readonly diagShift: number;

  constructor(params: FillScaleTriLParams = {}) {
    super(params);
    const shift = params.diagShift ?? 0;
    if (!(Number.isFinite(shift) && shift >= 0)) throw new RangeError(`FillScaleTriL: argument 'diagShift' must be a non-negative finite number, got ${shift}`);
    const db = params.diagBijector ?? new Softplus();
    if (db.forwardMinEventRank !== 0 || db.inverseMinEventRank !== 0) {
      throw new RangeError(`FillScaleTriL: argument 'diagBijector' must be elementwise (event rank 0), got ${db.name}`);
    }
    this.diagBijector = db;
    this.diagShift = shift;
  }

  private dimOf(x: tf.Tensor): number {
    return packedDim(this.name, 'x', x.shape, false);
  }
  /** Packed positions of the diagonal and of the strictly lower entries. */
  private positions(d: number): { diag: number[]; off: number[] } {
    const diag: number[] = [];
    const off: number[] = [];
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) (j === i ? diag : off).push(packedIndex(i, j, false));
    return { diag, off };
  }

  protected forwardImpl(x: tf.Tensor): tf.Tensor {
    const d = this.dimOf(x);
    const n = packedLength(d, false);
    const { diag, off } = this.positions(d);
    const batch = x.shape.slice(0, -1);
    let dg = this.diagBijector.forward(gatherLast(x, diag));
    if (this.diagShift !== 0) dg = tf.add(dg, this.diagShift);
    // Source vector: [off-diagonal (strict packed order), diagonal, 0].
    const src = tf.concat([gatherLast(x, off), dg, tf.zeros([...batch, 1])], -1);
    const nOff = n - d;
    const idx: number[] = [];
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) idx.push(j < i ? (i * (i - 1)) / 2 + j : j === i ? nOff + i : n);
    return tf.reshape(gatherLast(src, idx), [...batch, d, d]);
  }
  protected inverseImpl(y: tf.Tensor): tf.Tensor {
    const d = squareDim(this.name, 'y', y.shape);
    const n = packedLength(d, false);
    const batch = y.shape.slice(0, -2);
    const flat = tf.reshape(y, [...batch, d * d]);
    const diagFlat: number[] = [];
    const offFlat: number[] = [];
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) (j === i ? diagFlat : offFlat).push(i * d + j);
    let dg = gatherLast(flat, diagFlat);
    if (this.diagShift !== 0) dg = tf.sub(dg, this.diagShift);
    const src = tf.concat([gatherLast(flat, offFlat), this.diagBijector.inverse(dg)], -1);
    const nOff = n - d;
    const idx: number[] = [];
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) idx.push(j === i ? nOff + i : (i * (i - 1)) / 2 + j);
    return gatherLast(src, idx);
  }
  protected forwardLdjImpl(x: tf.Tensor): tf.Tensor {
    const d = this.dimOf(x);
    return tf.sum(this.diagBijector.forwardLogDetJacobian(gatherLast(x, this.positions(d).diag)), -1);
  }
  override forwardEventShape(shape: readonly number[]): number[] {
    this.checkShapeRank(shape, 1, 'x');
    const d = packedDim(this.name, 'x', shape, false);
    return [...shape.slice(0, -1), d, d];
  }
  override inverseEventShape(shape: readonly number[]): number[] {
    this.checkShapeRank(shape, 2, 'y');
    const d = squareDim(this.name, 'y', shape);
    return [...shape.slice(0, -2), packedLength(d, false)];
  }
  override dispose(): void {
    this.diagBijector.dispose();
    super.dispose();
  }
}
