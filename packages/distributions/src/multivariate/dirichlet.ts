import * as tf from '@tensorflow/tfjs-core';
import { digamma, lgamma, random, xlogy, type PRNGKey } from '@probdl/tensor-backend';
import { simplex } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { gammaSampleGradient } from '../internal/gamma-sample.js';
import { checkVectorEvent, leadingShape, trailingShape, type TensorInput } from '../internal/params.js';
import { isPositive } from '../internal/validation.js';

/** Parameters of {@link Dirichlet}. */
export interface DirichletParams extends DistributionOptions {
  /** Concentrations α > 0, `[..., K]` (K categories along the last axis). */
  readonly concentration: TensorInput;
}

/** A copy of `t` that gradients do not flow through. */
function detach(t: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((() => ({ value: tf.clone(t), gradFunc: () => [] })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (op as unknown as () => tf.Tensor)();
}

/**
 * Value `x` (a sample on the simplex); gradient in `alpha` of `(dy - Σ dy·x) · x · dLogG`, the chain
 * rule through x = g / Σ g with d(log g)/dα = `dLogG`; none in x or dLogG.
 */
const withSimplexGradient = tf.customGrad(((alpha: tf.Tensor, x: tf.Tensor, dLogG: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, dLogG]);
  return {
    value: tf.clone(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, dl] = saved as [tf.Tensor, tf.Tensor];
      const centred = tf.sub(dy, tf.sum(tf.mul(dy, xs), -1, true));
      return [tf.mul(tf.mul(centred, xs), dl), tf.zeros(x.shape), tf.zeros(dLogG.shape)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * Normalised Gamma(α, 1) draws `g / Σ g` along the last axis of `shape`, reparameterised. The draws
 * are those of `sampleGamma` (tensor-backend's `random.gamma` is `exp(random.loggamma)` from the same
 * key), normalised in log space (a softmax) so that rows whose gammas all underflow float32 (tiny
 * concentrations) stay on the simplex. Gradient in α by implicit reparameterisation: with x = g / S,
 * dL/dα_j = (dy_j - Σ_i dy_i x_i) x_j d(log g_j)/dα_j, where dg/dα is `gammaSampleGradient` (0 for
 * gammas that underflowed). As in `sampleGamma`, that derivative is formed eagerly while a gradient
 * tape is recording (tfjs cannot nest a gradient inside a backward pass). Returns a fresh tensor.
 */
function normalisedGammas(key: PRNGKey, concentration: tf.Tensor, shape: number[]): tf.Tensor {
  return tf.tidy(() => {
    const alpha = tf.broadcastTo(concentration, shape);
    const taped = tf.engine().isTapeOn();
    const a = taped ? detach(alpha) : alpha;
    const drawn = random.loggamma(key, a, shape);
    // Detached: no tfjs-derived gradient of the sampler's own ops may reach α (only the implicit one).
    const logG = taped ? detach(drawn) : drawn;
    const e = tf.exp(tf.sub(logG, tf.max(logG, -1, true)));
    const x = tf.div(e, tf.sum(e, -1, true));
    if (!taped) return x;
    const g = tf.exp(logG);
    const positive = tf.greater(g, 0);
    const dLogG = tf.where(positive, tf.div(gammaSampleGradient(a, g), tf.where(positive, g, tf.onesLike(g))), tf.zerosLike(g));
    return withSimplexGradient(alpha, x, detach(dLogG)) as tf.Tensor;
  });
}

/**
 * The Dirichlet distribution on the (K-1)-simplex, density `Π x_k^(α_k - 1) / B(α)`. Event shape
 * `[K]`, batch shape `concentration.shape[:-1]`. Samples are normalised Gamma(α_k, 1) draws (in log
 * space, so tiny concentrations stay finite), reparameterised through the implicit Gamma gradient.
 * `logProb` is -Infinity off the simplex; on its boundary (some x_k = 0) it is +Infinity where α_k < 1, finite where α_k = 1 and -Infinity
 * where α_k > 1, the limits of the density.
 */
export class Dirichlet extends Distribution {
  readonly name: string = 'Dirichlet';
  readonly concentration: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly reparameterized = true;

  constructor(params: DirichletParams) {
    super(params);
    this.concentration = this.param('concentration', params.concentration, isPositive);
    try {
      this.eventShape = trailingShape(this.name, 'concentration', this.concentration.shape, 1);
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.batchShape = leadingShape(this.concentration.shape, 1);
  }

  get support(): Constraint {
    return simplex;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => {
      return normalisedGammas(key, this.concentration, shape);
    });
  }

  /** log B(α) = Σ lgamma(α_k) - lgamma(Σ α_k), batch shape. */
  private logNormalizer(): tf.Tensor {
    return tf.sub(tf.sum(lgamma(this.concentration), -1), lgamma(tf.sum(this.concentration, -1)));
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const k = this.eventShape[0]!;
      checkVectorEvent(this.name, xv, k);
      // xlogy gives 0 for (α-1) = 0 at x = 0; elsewhere on the boundary it gives ±Infinity.
      const inner = tf.sum(xlogy(tf.sub(this.concentration, 1), xv), -1);
      const lp = tf.sub(inner, this.logNormalizer());
      return this.maskOutsideSupport(xv, lp);
    });
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => tf.div(this.concentration, tf.sum(this.concentration, -1, true)));
  }
  /** Marginal variances `α_k (α0 - α_k) / (α0² (α0 + 1))`. */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const a0 = tf.sum(this.concentration, -1, true);
      return tf.div(tf.mul(this.concentration, tf.sub(a0, this.concentration)), tf.mul(tf.square(a0), tf.add(a0, 1)));
    });
  }
  /** The covariance matrix `(diag(p) - p pᵀ) / (α0 + 1)` with `p` the mean, `batchShape + [K, K]`. */
  covariance(): tf.Tensor {
    return tf.tidy(() => {
      const a0 = tf.sum(this.concentration, -1, true);
      const p = tf.div(this.concentration, a0);
      const k = this.eventShape[0]!;
      const outer = tf.mul(tf.expandDims(p, -1), tf.expandDims(p, -2));
      const m = tf.sub(tf.mul(tf.expandDims(p, -1), tf.eye(k)), outer);
      return tf.div(m, tf.expandDims(tf.add(a0, 1), -1));
    });
  }
  /** `(α_k - 1) / (α0 - K)` where every α_k > 1; NaN otherwise (TFP's allow_nan_stats). */
  override mode(): tf.Tensor {
    return tf.tidy(() => {
      const k = this.eventShape[0]!;
      const a0 = tf.sum(this.concentration, -1, true);
      const m = tf.div(tf.sub(this.concentration, 1), tf.sub(a0, k));
      const defined = tf.all(tf.greater(this.concentration, 1), -1, true);
      return tf.where(tf.broadcastTo(defined, m.shape), m, tf.fill(m.shape, NaN));
    });
  }
  /** `log B(α) + (α0 - K) ψ(α0) - Σ (α_k - 1) ψ(α_k)`. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const k = this.eventShape[0]!;
      const a0 = tf.sum(this.concentration, -1);
      const t = tf.mul(tf.sub(a0, k), digamma(a0));
      const s = tf.sum(tf.mul(tf.sub(this.concentration, 1), digamma(this.concentration)), -1);
      return tf.add(tf.sub(t, s), this.logNormalizer());
    });
  }
}
