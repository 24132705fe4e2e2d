import * as tf from '@tensorflow/tfjs-core';
import { lgamma, random, split, type PRNGKey } from '@probdl/tensor-backend';
import { corrCholesky } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import type { TensorInput } from '../internal/params.js';
import { isPositive } from '../internal/validation.js';

const LOG_PI = Math.log(Math.PI);

/** Parameters of {@link LKJCholesky}. */
export interface LKJCholeskyParams extends DistributionOptions {
  /** The matrix size d (a host integer >= 1). */
  readonly dimension: number;
  /** η > 0, batch-shaped: η = 1 is uniform over correlation matrices, η > 1 favours the identity. */
  readonly concentration: TensorInput;
}

/**
 * The LKJ distribution over Cholesky factors L of d × d correlation matrices (TFP's and NumPyro's
 * `LKJCholesky`): the correlation matrix `L Lᵀ` has density ∝ det(L Lᵀ)^(η - 1), and the density of
 * L with respect to its strictly lower entries is `Π_{i=1}^{d-1} L_ii^(d - i - 1 + 2(η - 1)) / Z`
 * (rows 0-based). Event shape `[d, d]`, batch shape `concentration.shape`. Sampled by the onion
 * method (NumPyro's `_onion`: Beta draws for the squared row norms, normal draws for directions);
 * not reparameterised. `logProb` is -Infinity outside `corrCholesky`.
 */
export class LKJCholesky extends Distribution {
  readonly name: string = 'LKJCholesky';
  readonly dimension: number;
  readonly concentration: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly reparameterized = false;

  constructor(params: LKJCholeskyParams) {
    super(params);
    const d = params.dimension;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
      throw new RangeError(`${this.name}: argument 'dimension' must be an integer >= 1, got ${String(d)}`);
    }
    this.dimension = d;
    this.concentration = this.param('concentration', params.concentration, isPositive);
    this.batchShape = [...this.concentration.shape];
    this.eventShape = [d, d];
  }

  get support(): Constraint {
    return corrCholesky;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    const d = this.dimension;
    const outer = shape.slice(0, -2);
    if (d === 1 || outer.some((s) => s === 0)) return tf.tidy(() => tf.broadcastTo(tf.eye(d), shape).clone());
    const [kb, kn] = split(key, 2) as [PRNGKey, PRNGKey];
    return tf.tidy(() => {
      // Row k (k = 1..d-1): y ~ Beta(k/2, η + (d - 1 - k)/2) is its squared off-diagonal norm.
      const k = tf.range(1, d);
      const conc1 = tf.broadcastTo(tf.mul(k, 0.5), [...outer, d - 1]);
      const conc0 = tf.add(tf.expandDims(this.concentration, -1), tf.mul(tf.sub(d - 1, k), 0.5));
      const y = random.beta(kb, conc1, conc0, [...outer, d - 1]);
      const yAll = tf.concat([tf.zeros([...outer, 1]), y], -1);
      // Its direction is uniform on the sphere in R^k: normals in the strictly lower part, normalised.
      const strict = tf.cast(tf.greater(tf.expandDims(tf.range(0, d), 1), tf.expandDims(tf.range(0, d), 0)), 'float32');
      const z = tf.mul(random.normal(kn, shape), strict);
      const norm = tf.sqrt(tf.sum(tf.square(z), -1, true));
      const dir = tf.div(z, tf.where(tf.greater(norm, 0), norm, tf.onesLike(norm)));
      const offDiag = tf.mul(dir, tf.sqrt(tf.expandDims(yAll, -1)));
      const diag = tf.mul(tf.expandDims(tf.sqrt(tf.sub(1, yAll)), -1), tf.eye(d));
      return tf.add(offDiag, diag);
    });
  }

  /** log Z = (d-1)/2 log π + log Γ_{d-1}(η + (d-1)/2 - 1/2) - (d-1) lgamma(η + (d-1)/2), batch shape. */
  private logNormalizer(): tf.Tensor {
    const dm1 = this.dimension - 1;
    const eta = this.concentration;
    if (dm1 === 0) return tf.zerosLike(eta);
    const alpha = tf.add(eta, 0.5 * dm1);
    // Multivariate log-gamma: log Γ_p(a) = p(p-1)/4 log π + Σ_{j=1}^{p} lgamma(a + (1 - j)/2), p = d - 1.
    const js = tf.mul(tf.range(0, dm1), -0.5);
    const mvlg = tf.add(tf.sum(lgamma(tf.add(tf.expandDims(tf.sub(alpha, 0.5), -1), js)), -1), (dm1 * (dm1 - 1) * LOG_PI) / 4);
    return tf.add(tf.sub(mvlg, tf.mul(lgamma(alpha), dm1)), 0.5 * dm1 * LOG_PI);
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const d = this.dimension;
      if (xv.rank < 2 || xv.shape[xv.rank - 1] !== d || xv.shape[xv.rank - 2] !== d) {
        throw new RangeError(`${this.name}.logProb: argument 'x' must have shape [..., ${d}, ${d}], got [${xv.shape.join(', ')}]`);
      }
      if (d === 1) return this.maskOutsideSupport(xv, tf.broadcastTo(tf.neg(this.logNormalizer()), broadcastBatch(xv.shape.slice(0, -2), this.batchShape)));
      const diag = tf.sum(tf.mul(xv, tf.eye(d)), -1);
      const logDiag = tf.log(tf.slice(diag, new Array<number>(diag.rank - 1).fill(0).concat([1]), diag.shape.slice(0, -1).concat([d - 1])));
      // Exponent of L_ii (i = 1..d-1, 0-based): d - i - 1 + 2(η - 1).
      const order = tf.sub(d - 1, tf.range(1, d));
      const exponent = tf.add(tf.mul(tf.sub(tf.expandDims(this.concentration, -1), 1), 2), order);
      const unnormalized = tf.sum(tf.mul(exponent, logDiag), -1);
      return this.maskOutsideSupport(xv, tf.sub(unnormalized, this.logNormalizer()));
    });
  }
}

function broadcastBatch(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    return x === 1 ? y : x;
  });
}
