import * as tf from '@tensorflow/tfjs-core';
import { matrixF64, random, type MatrixF64, type PRNGKey } from '@probdl/tensor-backend';
import type { BlrHostValues, BlrPlacement, BlrPosterior, BlrPredictive, BlrPredictOptions, DesignInput } from '../types.js';
import { deviceCovariance, devicePredictiveVariance } from './device-algebra.js';
import { hostPredictiveVariance, checkFinite, type HostBlrParts } from './host-algebra.js';
import { designShape, designToHost, designToTensor } from './inputs.js';

const PREDICT = 'BlrPosterior.predict';
const SAMPLE = 'BlrPosterior.samplePosterior';

/** @internal Shared checks and bookkeeping of both placements. */
abstract class PosteriorBase implements BlrPosterior {
  abstract readonly on: BlrPlacement;
  readonly mean: tf.Tensor1D;
  protected disposed = false;
  private cov: { covariance: tf.Tensor2D; scaleTril: tf.Tensor2D } | undefined;

  constructor(
    readonly numFeatures: number,
    readonly numData: number,
    readonly alpha: Float64Array,
    readonly noiseVariance: number,
    readonly logEvidence: number,
    mean: tf.Tensor1D,
  ) {
    this.mean = mean;
  }

  /** Σ, made on first use (kept out of any enclosing tf.tidy; owned by the posterior). */
  get covariance(): tf.Tensor2D {
    return this.covarianceParts().covariance;
  }

  /** Lower Cholesky factor of Σ, made on first use. */
  get scaleTril(): tf.Tensor2D {
    return this.covarianceParts().scaleTril;
  }

  private covarianceParts(): { covariance: tf.Tensor2D; scaleTril: tf.Tensor2D } {
    this.alive('BlrPosterior.covariance');
    if (this.cov === undefined) {
      const made = this.makeCovariance();
      this.cov = { covariance: tf.keep(made.covariance), scaleTril: tf.keep(made.scaleTril) };
    }
    return this.cov;
  }

  protected abstract makeCovariance(): { covariance: tf.Tensor2D; scaleTril: tf.Tensor2D };

  protected alive(fn: string): void {
    if (this.disposed) throw new Error(`${fn}: this posterior has been disposed`);
  }

  protected checkStar(phiStar: DesignInput): number {
    this.alive(PREDICT);
    const [m, d] = designShape(phiStar, 'phiStar', PREDICT);
    if (d !== this.numFeatures) {
      throw new Error(`${PREDICT}: 'phiStar' has ${d} columns, expected D = ${this.numFeatures} (the features of the posterior), shape [${m}, ${d}]`);
    }
    return m;
  }

  abstract predict(phiStar: DesignInput, options?: BlrPredictOptions): Promise<BlrPredictive>;

  samplePosterior(key: PRNGKey, n: number): tf.Tensor2D {
    this.alive(SAMPLE);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${SAMPLE}: 'n' must be a non-negative integer, got ${String(n)}`);
    return this.draw(key, n);
  }

  protected abstract draw(key: PRNGKey, n: number): tf.Tensor2D;

  abstract toHost(): Promise<BlrHostValues>;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.mean.dispose();
    if (this.cov !== undefined) tf.dispose([this.cov.covariance, this.cov.scaleTril]);
    this.disposeExtra();
  }

  protected disposeExtra(): void {}
}

/** @internal The float64 posterior: host values are the truth, tensors are float32 copies. */
export class HostPosterior extends PosteriorBase {
  readonly on = 'host' as const;

  constructor(
    n: number,
    alpha: Float64Array,
    noiseVariance: number,
    private readonly parts: HostBlrParts,
  ) {
    super(parts.mean.length, n, alpha, noiseVariance, parts.logEvidence, tf.tensor1d(Float32Array.from(parts.mean), 'float32'));
  }

  protected makeCovariance(): { covariance: tf.Tensor2D; scaleTril: tf.Tensor2D } {
    const d = this.numFeatures;
    return {
      covariance: tf.tensor2d(Float32Array.from(this.parts.covariance.data), [d, d], 'float32'),
      scaleTril: tf.tensor2d(Float32Array.from(this.parts.scaleTril.data), [d, d], 'float32'),
    };
  }

  async predict(phiStar: DesignInput, options: BlrPredictOptions = {}): Promise<BlrPredictive> {
    const m = this.checkStar(phiStar);
    const star = await designToHost(phiStar);
    checkFinite(star.data, 'phiStar', PREDICT, star.cols);
    this.alive(PREDICT);
    const d = this.numFeatures;
    const mu = this.parts.mean;
    const mean = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (star.data[i * d + j] as number) * (mu[j] as number);
      mean[i] = s;
    }
    const variance = hostPredictiveVariance(this.parts.upper, star);
    if (options.includeNoise === true) for (let i = 0; i < m; i++) variance[i] = (variance[i] as number) + this.noiseVariance;
    return {
      mean: tf.tensor1d(Float32Array.from(mean), 'float32'),
      variance: tf.tensor1d(Float32Array.from(variance), 'float32'),
      stddev: tf.tensor1d(Float32Array.from(variance, Math.sqrt), 'float32'),
    };
  }

  protected draw(key: PRNGKey, n: number): tf.Tensor2D {
    const d = this.numFeatures;
    const z = random.normalHost(key, [n, d]);
    const { mean, scaleTril } = this.parts;
    const out = new Float32Array(n * d);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < d; i++) {
        let v = mean[i] as number;
        for (let k = 0; k <= i; k++) v += (scaleTril.data[i * d + k] as number) * (z[s * d + k] as number);
        out[s * d + i] = v;
      }
    }
    return tf.tensor2d(out, [n, d], 'float32');
  }

  async toHost(): Promise<BlrHostValues> {
    await Promise.resolve();
    this.alive('BlrPosterior.toHost');
    const copy = (m: MatrixF64): MatrixF64 => matrixF64(m.rows, m.cols, m.data);
    return { mean: Float64Array.from(this.parts.mean), covariance: copy(this.parts.covariance), scaleTril: copy(this.parts.scaleTril) };
  }
}

/** @internal The float32 device posterior. */
export class DevicePosterior extends PosteriorBase {
  readonly on = 'device' as const;

  constructor(
    n: number,
    alpha: Float64Array,
    noiseVariance: number,
    logEvidence: number,
    mean: tf.Tensor1D,
    private readonly upper: tf.Tensor2D,
  ) {
    super(mean.shape[0], n, alpha, noiseVariance, logEvidence, mean);
  }

  protected makeCovariance(): { covariance: tf.Tensor2D; scaleTril: tf.Tensor2D } {
    return deviceCovariance(this.upper);
  }

  predict(phiStar: DesignInput, options: BlrPredictOptions = {}): Promise<BlrPredictive> {
    try {
      this.checkStar(phiStar);
      return Promise.resolve(
        tf.tidy(() => {
          const star = designToTensor(phiStar);
          const mean = tf.reshape(tf.matMul(star, tf.reshape(this.mean, [-1, 1])), [-1]) as tf.Tensor1D;
          let variance = devicePredictiveVariance(this.upper, star);
          if (options.includeNoise === true) variance = tf.add(variance, this.noiseVariance);
          return { mean, variance, stddev: tf.sqrt(variance) as tf.Tensor1D };
        }),
      );
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  protected draw(key: PRNGKey, n: number): tf.Tensor2D {
    return tf.tidy(() => {
      const z = random.normal(key, [n, this.numFeatures]);
      return tf.add(tf.matMul(z, tf.transpose(this.scaleTril)), this.mean) as tf.Tensor2D;
    });
  }

  async toHost(): Promise<BlrHostValues> {
    this.alive('BlrPosterior.toHost');
    const d = this.numFeatures;
    const [mean, cov, tril] = await Promise.all([this.mean.data(), this.covariance.data(), this.scaleTril.data()]);
    return { mean: Float64Array.from(mean), covariance: matrixF64(d, d, cov), scaleTril: matrixF64(d, d, tril) };
  }

  protected override disposeExtra(): void {
    this.upper.dispose();
  }
}
