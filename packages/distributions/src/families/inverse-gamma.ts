import * as tf from '@tensorflow/tfjs-core';
import { digamma, igamma, igammac, type PRNGKey } from '@probdl/tensor-backend';
import { positive as positiveReals } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import { sampleGamma } from '../internal/gamma-sample.js';
import { broadcastShapes, type TensorInput } from '../internal/params.js';
import { isPositive } from '../internal/validation.js';
import { gammaEntropyKernel, logIgamma, logIgammac, standardGammaLogProb } from './gamma.js';

/** Parameters of {@link InverseGamma}. */
export interface InverseGammaParams extends DistributionOptions {
  /** Shape parameter α > 0. */
  readonly concentration: TensorInput;
  /** Scale β > 0. */
  readonly scale: TensorInput;
}

/**
 * The inverse gamma distribution: X = β / G with G ~ Gamma(α, 1), density
 * β^α x^(-α-1) e^(-β/x) / Γ(α) on x > 0 (-Infinity at x <= 0). CDF igammac(α, β/x), survival
 * igamma(α, β/x), their logs in log space where they underflow float32. Samples are reparameterised (implicit gradients of the gamma draw). Moments, as in TFP with
 * allow_nan_stats but with infinite moments reported as Infinity: the mean β/(α - 1) is +Infinity
 * for α <= 1; the variance β²/((α - 1)²(α - 2)) is +Infinity for 1 < α <= 2 and NaN for α <= 1
 * (the mean itself is infinite there). The mode is β/(α + 1).
 */
export class InverseGamma extends Distribution {
  readonly name: string = 'InverseGamma';
  readonly concentration: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;

  constructor(params: InverseGammaParams) {
    super(params);
    this.concentration = this.param('concentration', params.concentration, isPositive);
    this.scale = this.param('scale', params.scale, isPositive);
    this.batchShape = broadcastShapes(this.name, { concentration: this.concentration.shape, scale: this.scale.shape });
  }

  get support(): Constraint {
    return positiveReals;
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => tf.div(this.scale, sampleGamma(key, this.concentration, shape)));
  }

  /** α and y = β/x (x <= 0 mapped to y = +Infinity, where the Gamma(α, 1) density is 0), broadcast together. */
  private standardized(x: TensorInput): { a: tf.Tensor; y: tf.Tensor; xv: tf.Tensor } {
    const xv0 = this.value(x);
    const positive = tf.greater(xv0, 0);
    const xs = tf.where(positive, xv0, tf.onesLike(xv0));
    const y0 = tf.where(tf.broadcastTo(positive, tf.broadcast_util.assertAndGetBroadcastShape(xv0.shape, this.scale.shape)), tf.div(this.scale, xs), Infinity);
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(y0.shape, [...this.batchShape]);
    return { a: tf.broadcastTo(this.concentration, shape), y: tf.broadcastTo(y0, shape), xv: tf.broadcastTo(xs, shape) };
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { a, y, xv } = this.standardized(x);
      // log f(x) = log g(β/x) + log β - 2 log x, g the Gamma(α, 1) density (-Infinity where y = Infinity).
      return tf.sub(tf.add(standardGammaLogProb(a, y), tf.log(this.scale)), tf.mul(2, tf.log(xv)));
    });
  }
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { a, y } = this.standardized(x);
      return igammac(a, y);
    });
  }
  /** log igammac(α, β/x), finite (log space) where the CDF underflows float32 near x = 0. */
  override logCdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { a, y } = this.standardized(x);
      return logIgammac(a, y);
    });
  }
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { a, y } = this.standardized(x);
      return igamma(a, y);
    });
  }
  /** log igamma(α, β/x), finite (log space) where the survival function underflows float32 for large x. */
  override logSurvival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { a, y } = this.standardized(x);
      return logIgamma(a, y);
    });
  }
  override mean(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration;
      const m = tf.div(this.scale, tf.sub(a, 1));
      return this.toBatchShape(tf.where(tf.greater(a, 1), m, tf.fill(m.shape, Infinity)));
    });
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration;
      const v = tf.div(tf.square(this.scale), tf.mul(tf.square(tf.sub(a, 1)), tf.sub(a, 2)));
      return this.toBatchShape(tf.where(tf.greater(a, 2), v, tf.where(tf.greater(a, 1), tf.fill(v.shape, Infinity), tf.fill(v.shape, NaN))));
    });
  }
  override mode(): tf.Tensor {
    return tf.tidy(() => this.toBatchShape(tf.div(this.scale, tf.add(this.concentration, 1))));
  }
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration;
      // α + log β + lgamma(α) - (1 + α) ψ(α) = H(Gamma(α, 1)) + log β - 2ψ(α), the Gamma part without cancellation.
      return this.toBatchShape(tf.sub(tf.add(gammaEntropyKernel(a), tf.log(this.scale)), tf.mul(2, digamma(a))));
    });
  }
}
