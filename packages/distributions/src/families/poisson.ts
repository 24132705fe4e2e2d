import * as tf from '@tensorflow/tfjs-core';
import { igamma, igammac, lgamma, log1p, random, type PRNGKey } from '@probdl/tensor-backend';
import { nonNegativeInteger } from '../constraints/constraints.js';
import type { Constraint } from '../constraints/types.js';
import { Distribution, type DistributionOptions } from '../distribution.js';
import type { TensorInput } from '../internal/params.js';
import { isFinite, isPositive } from '../internal/validation.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** From this count on, log k! is Stirling's series and the pmf is written without cancelling terms. */
const STIRLING_FROM = 10;
/** h(t) = (1 + t) log1p(t) - t = Σ_{n>=2} (-1)^n t^n / (n (n - 1)), n = 2..13 (used for |t| < 0.25). */
const H_SERIES = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 1 : -1) / ((i + 2) * (i + 1)));

/**
 * log P(X = k) for Poisson(λ) at integer-valued float32 k >= 0: k log λ - λ - lgamma(k + 1) for small k;
 * from k = 10 on, with x = k + 1 = λ(1 + t), the same quantity as -λ h(t) + ½ log1p(t) - ½ log λ -
 * ½ log 2π - stirling(x), which has no large cancelling terms (the plain form loses every digit at
 * λ ~ 1e6 in float32). `rate` and `logRate` are both passed so that neither is rounded through the other
 * (exp(log λ) in float32 is off by ~λ·|log λ|·6e-8, which moves the pmf at λ = 1e6).
 */
export function poissonLogPmf(k: tf.Tensor, rate: tf.Tensor, logRate: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const lam = rate;
    const small = tf.less(k, STIRLING_FROM);
    const kSmall = tf.where(small, k, tf.zerosLike(k));
    const direct = tf.sub(tf.sub(tf.mul(kSmall, logRate), lam), lgamma(tf.add(kSmall, 1)));
    const x = tf.add(tf.where(small, tf.fill(k.shape, STIRLING_FROM), k), 1);
    const t = tf.div(tf.sub(x, lam), lam);
    let series: tf.Tensor = tf.scalar(H_SERIES[H_SERIES.length - 1]!);
    for (let i = H_SERIES.length - 2; i >= 0; i--) series = tf.add(tf.mul(series, t), H_SERIES[i]!);
    const near = tf.less(tf.abs(t), 0.25);
    const tFar = tf.where(near, tf.onesLike(t), t);
    const l1pFar = log1p(tFar);
    const h = tf.where(near, tf.mul(tf.square(t), series), tf.sub(tf.mul(tf.add(tFar, 1), l1pFar), tFar));
    const l1p = log1p(t);
    const xInv = tf.reciprocal(x);
    const xInv2 = tf.square(xInv);
    const corr = tf.mul(xInv, tf.add(1 / 12, tf.mul(xInv2, tf.add(-1 / 360, tf.mul(xInv2, 1 / 1260)))));
    const stirling = tf.sub(tf.sub(tf.add(tf.neg(tf.mul(lam, h)), tf.mul(0.5, tf.sub(l1p, logRate))), HALF_LOG_2PI), corr);
    return tf.where(small, direct, stirling);
  });
}

/** Parameters of {@link Poisson}: exactly one of `rate` and `logRate`. */
export interface PoissonParams extends DistributionOptions {
  /** Rate λ > 0 (mean and variance). */
  readonly rate?: TensorInput;
  /** log λ, finite. */
  readonly logRate?: TensorInput;
}

/**
 * The Poisson distribution on {0, 1, 2, ...} with rate λ, stored as `logRate`. log P(k) is
 * computed without cancellation (accurate at λ = 1e6 in float32); -Infinity for negative or
 * non-integer x. cdf = Q(k + 1, λ) (regularised upper incomplete gamma). `sample` returns float32
 * counts (TFP's dtype). Not reparameterised.
 */
export class Poisson extends Distribution {
  readonly name: string = 'Poisson';
  readonly logRate: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = false;
  private readonly rate: tf.Tensor | undefined;

  constructor(params: PoissonParams) {
    super(params);
    if ((params.rate === undefined) === (params.logRate === undefined)) {
      throw new TypeError(`${this.name}: exactly one of 'rate' and 'logRate' must be given`);
    }
    if (params.rate !== undefined) {
      this.rate = this.param('rate', params.rate, isPositive);
      this.logRate = this.own(tf.log(this.rate));
    } else {
      this.rate = undefined;
      this.logRate = this.param('logRate', params.logRate, isFinite);
    }
    this.batchShape = [...this.logRate.shape];
  }

  get support(): Constraint {
    return nonNegativeInteger;
  }

  /** The rate λ as a fresh tensor (the given rate, or exp(logRate)). */
  rateParameter(): tf.Tensor {
    return this.rate ? this.rate.clone() : tf.exp(this.logRate);
  }

  /** float32 counts (tensor-backend's inversion / PTRS sampler). */
  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const shape = this.sampleShapeFor(sampleShape);
    return tf.tidy(() => tf.cast(random.poisson(key, this.rateParameter(), shape), 'float32'));
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const xv = this.value(x);
      const k = tf.add(xv, tf.zerosLike(this.logRate));
      // Outside the support (masked below) the pmf sees k = 0, so no NaN reaches values or gradients.
      const inside = nonNegativeInteger.check(k);
      const ks = tf.where(inside, k, tf.zerosLike(k));
      return this.maskOutsideSupport(k, poissonLogPmf(ks, tf.broadcastTo(this.rateParameter(), k.shape), tf.broadcastTo(this.logRate, k.shape)));
    });
  }
  /** Q(floor(x) + 1, λ) for x >= 0, 0 below. */
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { k, neg } = this.floorCount(x);
      return tf.where(neg, tf.zerosLike(k), igammac(tf.add(k, 1), this.rateParameter()));
    });
  }
  /** P(floor(x) + 1, λ) for x >= 0, 1 below (computed directly, so small right tails keep precision). */
  override survival(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { k, neg } = this.floorCount(x);
      return tf.where(neg, tf.onesLike(k), igamma(tf.add(k, 1), this.rateParameter()));
    });
  }
  override mean(): tf.Tensor {
    return this.rateParameter();
  }
  override variance(): tf.Tensor {
    return this.rateParameter();
  }
  /** floor(λ) (when λ is an integer, λ - 1 is a mode too). */
  override mode(): tf.Tensor {
    return tf.tidy(() => tf.floor(this.rateParameter()));
  }

  private floorCount(x: TensorInput): { k: tf.Tensor; neg: tf.Tensor } {
    const xv = tf.add(this.value(x), tf.zerosLike(this.logRate));
    const neg = tf.less(xv, 0);
    return { k: tf.where(neg, tf.zerosLike(xv), tf.floor(xv)), neg };
  }
}
