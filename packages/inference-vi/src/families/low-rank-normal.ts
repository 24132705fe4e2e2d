import * as tf from '@tensorflow/tfjs-core';
import { Distribution, realVector, type Constraint, type TensorInput } from '@probdl/distributions';
import { cholesky, random, softplus, triangularSolve, type PRNGKey } from '@probdl/tensor-backend';
import { checkDim, checkNoise, disposeWith, inverseSoftplus } from './internal/util.js';
import type { VariationalFamily } from './types.js';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** Parameters of {@link LowRankMultivariateNormal}: tensors are referenced, never copied or disposed. */
export interface LowRankMultivariateNormalParams {
  /** Mean, `[D]`. */
  readonly loc: tf.Tensor;
  /** W, `[D, K]`. */
  readonly covFactor: tf.Tensor;
  /** The diagonal standard deviations s > 0, `[D]`; Σ = W Wᵀ + diag(s²). */
  readonly scaleDiag: tf.Tensor;
}

/**
 * N(loc, W Wᵀ + diag(s²)) over `[D]` (batch shape `[]`), never forming the D × D covariance:
 * with A = diag(s)⁻¹ W and the K × K capacitance C = I + Aᵀ A = L_C L_Cᵀ (Woodbury and the matrix
 * determinant lemma),
 *
 * - log det Σ = 2 Σ log s_i + 2 Σ log (L_C)_kk,
 * - (x-μ)ᵀ Σ⁻¹ (x-μ) = ‖r‖² − ‖L_C⁻¹ Aᵀ r‖² with r = (x-μ)/s,
 *
 * so `logProb` costs O(N D K + K³). Samples are `loc + W ε₁ + s ⊙ ε₂` with ε₁ `[K]`, ε₂ `[D]`
 * (reparameterised). Gradients flow to all three parameters. No KL is registered for it: the ELBO
 * uses its analytic {@link LowRankMultivariateNormal.entropy} or Monte Carlo instead.
 */
export class LowRankMultivariateNormal extends Distribution {
  readonly name = 'LowRankMultivariateNormal';
  readonly batchShape: readonly number[] = [];
  readonly eventShape: readonly number[];
  readonly reparameterized = true;
  readonly loc: tf.Tensor;
  readonly covFactor: tf.Tensor;
  readonly scaleDiag: tf.Tensor;

  constructor(params: LowRankMultivariateNormalParams) {
    super({ validateArgs: false });
    const { loc, covFactor, scaleDiag } = params;
    if (!(loc instanceof tf.Tensor) || loc.rank !== 1) throw new RangeError(`LowRankMultivariateNormal: argument 'loc' must be a tensor [D]`);
    const d = loc.shape[0]!;
    if (!(covFactor instanceof tf.Tensor) || covFactor.rank !== 2 || covFactor.shape[0] !== d) {
      throw new RangeError(`LowRankMultivariateNormal: argument 'covFactor' must be a tensor [${d}, K], got ${covFactor instanceof tf.Tensor ? `[${covFactor.shape.join(', ')}]` : typeof covFactor}`);
    }
    if (!(scaleDiag instanceof tf.Tensor) || scaleDiag.rank !== 1 || scaleDiag.shape[0] !== d) {
      throw new RangeError(`LowRankMultivariateNormal: argument 'scaleDiag' must be a tensor [${d}]`);
    }
    this.loc = loc;
    this.covFactor = covFactor;
    this.scaleDiag = scaleDiag;
    this.eventShape = [d];
  }

  get support(): Constraint {
    return realVector;
  }

  /** The rank K of the factor. */
  get rank(): number {
    return this.covFactor.shape[1]!;
  }

  /** Samples from base draws `[..., K + D]` (the first K columns drive W, the last D the diagonal). */
  fromNoise(eps: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const k = this.rank;
      const d = this.eventShape[0]!;
      const lead = eps.shape.slice(0, -1);
      const flat = tf.reshape(eps, [-1, k + d]);
      const [e1, e2] = tf.split(flat, [k, d], 1) as [tf.Tensor, tf.Tensor];
      const z = tf.add(tf.add(this.loc, tf.matMul(e1, tf.transpose(this.covFactor))), tf.mul(this.scaleDiag, e2));
      return tf.reshape(z, [...lead, d]);
    });
  }

  sample(key: PRNGKey, sampleShape: number | readonly number[] = []): tf.Tensor {
    const shape = typeof sampleShape === 'number' ? [sampleShape] : [...sampleShape];
    return tf.tidy(() => this.fromNoise(random.normal(key, [...shape, this.rank + this.eventShape[0]!])));
  }

  /** The Cholesky factor of the capacitance I + Aᵀ A, `[K, K]`, and A = W / s, `[D, K]`. */
  private capacitance(): { lc: tf.Tensor; a: tf.Tensor } {
    const a = tf.div(this.covFactor, tf.expandDims(this.scaleDiag, 1));
    const c = tf.add(tf.eye(this.rank), tf.matMul(tf.transpose(a), a));
    return { lc: cholesky(c), a };
  }

  /** log det Σ, a scalar. */
  logDetCovariance(): tf.Tensor {
    return tf.tidy(() => {
      const { lc } = this.capacitance();
      const diag = tf.sum(tf.mul(lc, tf.eye(this.rank)), -1);
      return tf.mul(2, tf.add(tf.sum(tf.log(this.scaleDiag)), tf.sum(tf.log(diag))));
    });
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = x instanceof tf.Tensor ? x : tf.tensor(x as number[]);
      const d = this.eventShape[0]!;
      if (xv.rank < 1 || xv.shape[xv.rank - 1] !== d) {
        throw new RangeError(`LowRankMultivariateNormal.logProb: argument 'x' must have shape [..., ${d}], got [${xv.shape.join(', ')}]`);
      }
      const lead = xv.shape.slice(0, -1);
      const r = tf.div(tf.sub(tf.reshape(xv, [-1, d]), this.loc), this.scaleDiag); // [N, D]
      const { lc, a } = this.capacitance();
      const u = triangularSolve(lc, tf.transpose(tf.matMul(r, a)), { lower: true }); // [K, N]
      const maha = tf.sub(tf.sum(tf.square(r), 1), tf.sum(tf.square(u), 0));
      const diag = tf.sum(tf.mul(lc, tf.eye(this.rank)), -1);
      const halfLogDet = tf.add(tf.sum(tf.log(this.scaleDiag)), tf.sum(tf.log(diag)));
      return tf.reshape(tf.sub(tf.mul(-0.5, maha), tf.add(halfLogDet, 0.5 * d * LOG_TWO_PI)), lead);
    });
  }

  override mean(): tf.Tensor {
    return tf.clone(this.loc);
  }
  override mode(): tf.Tensor {
    return tf.clone(this.loc);
  }
  /** The dense covariance W Wᵀ + diag(s²), `[D, D]` (for inspection and tests). */
  covariance(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.matMul(this.covFactor, tf.transpose(this.covFactor)), tf.diag(tf.square(this.scaleDiag))));
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.sum(tf.square(this.covFactor), 1), tf.square(this.scaleDiag)));
  }
  /** D/2 (1 + log 2π) + ½ log det Σ. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.mul(0.5, this.logDetCovariance()), 0.5 * this.eventShape[0]! * (1 + LOG_TWO_PI)));
  }
}

/** Parameters of {@link lowRankPlusDiagonal}. */
export interface LowRankParams {
  [k: string]: tf.Tensor;
  /** Mean, `[D]`. */
  loc: tf.Tensor;
  /** W, `[D, K]`. */
  covFactor: tf.Tensor;
  /** Unconstrained diagonal: s = softplus(rawScaleDiag), `[D]`. */
  rawScaleDiag: tf.Tensor;
}

/** Options of {@link lowRankPlusDiagonal}. */
export interface LowRankOptions {
  /** K, the rank of W (default 1). */
  readonly rank?: number;
  /** s at `init` (default 0.1). */
  readonly initScale?: number;
  /** `init` draws W from N(0, initFactorStd²) (default 0.01; not 0, so that the K columns differ). */
  readonly initFactorStd?: number;
}

/**
 * The low-rank-plus-diagonal Gaussian family, Σ = W Wᵀ + diag(s²) with s = softplus(rawScaleDiag)
 * (NumPyro's AutoLowRankMultivariateNormal): a {@link LowRankMultivariateNormal}, whose log density
 * and entropy use the Woodbury identity and the matrix determinant lemma (O(D K²), no D × D matrix).
 * One sample consumes K + D base draws. loc starts at 0.
 */
export function lowRankPlusDiagonal(options: LowRankOptions = {}): VariationalFamily<LowRankParams> {
  const rank = options.rank ?? 1;
  if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`lowRankPlusDiagonal: option 'rank' must be an integer >= 1, got ${rank}`);
  const initScale = options.initScale ?? 0.1;
  const initFactorStd = options.initFactorStd ?? 0.01;
  const rawInit = inverseSoftplus(initScale);
  const check = (fn: string, p: LowRankParams): number => {
    const ok = p?.loc instanceof tf.Tensor && p.covFactor instanceof tf.Tensor && p.rawScaleDiag instanceof tf.Tensor && p.loc.rank === 1;
    const d = ok ? p.loc.shape[0]! : -1;
    if (!ok || p.covFactor.rank !== 2 || p.covFactor.shape[0] !== d || p.rawScaleDiag.rank !== 1 || p.rawScaleDiag.shape[0] !== d) {
      throw new RangeError(`lowRankPlusDiagonal.${fn}: params must be { loc: [D], covFactor: [D, K], rawScaleDiag: [D] }`);
    }
    return d;
  };
  const build = (p: LowRankParams): LowRankMultivariateNormal => {
    const s = softplus(p.rawScaleDiag);
    return disposeWith(new LowRankMultivariateNormal({ loc: p.loc, covFactor: p.covFactor, scaleDiag: s }), [s]);
  };
  return {
    name: 'lowRankPlusDiagonal',
    reparameterized: true,
    init(key: PRNGKey, dim: number): LowRankParams {
      checkDim('lowRankPlusDiagonal.init', dim);
      return {
        loc: tf.zeros([dim]),
        covFactor: tf.tidy(() => tf.mul(random.normal(key, [dim, rank]), initFactorStd)),
        rawScaleDiag: tf.fill([dim], rawInit),
      };
    },
    distribution(params) {
      check('distribution', params);
      return build(params);
    },
    dim: (params) => check('dim', params),
    noiseSize: (params) => check('noiseSize', params) + params.covFactor.shape[1]!,
    fromNoise(params, eps) {
      const d = check('fromNoise', params);
      checkNoise('lowRankPlusDiagonal.fromNoise', eps, d + params.covFactor.shape[1]!);
      return tf.tidy(() => build(params).fromNoise(eps));
    },
    entropy(params) {
      check('entropy', params);
      return tf.tidy(() => build(params).entropy());
    },
  };
}
