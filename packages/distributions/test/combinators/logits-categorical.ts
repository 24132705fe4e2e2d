import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax, random, type PRNGKey } from '@probdl/tensor-backend';
import { integerInterval } from '../../src/constraints/constraints.js';
import type { Constraint } from '../../src/constraints/types.js';
import { Distribution } from '../../src/distribution.js';
import type { TensorInput } from '../../src/internal/params.js';

/**
 * A minimal categorical over logits `[...batch, K]` for the mixture tests, so they do not depend on
 * the package's Categorical (the mixtures read only `logits` and `batchShape`).
 */
export class LogitsCategorical extends Distribution {
  readonly name: string = 'LogitsCategorical';
  readonly logits: tf.Tensor;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = false;

  constructor(params: { logits: TensorInput; validateArgs?: boolean }) {
    super(params);
    this.logits = this.param('logits', params.logits);
    this.batchShape = this.logits.shape.slice(0, -1);
  }
  get support(): Constraint {
    return integerInterval(0, this.logits.shape[this.logits.rank - 1]! - 1);
  }
  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    return tf.tidy(() => tf.cast(random.categorical(key, this.logits, { shape: this.sampleShapeFor(sampleShape) }), 'float32'));
  }
  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const k = this.logits.shape[this.logits.rank - 1]!;
      const oh = tf.oneHot(tf.cast(this.value(x), 'int32'), k);
      return tf.sum(tf.mul(oh, logSoftmax(this.logits, -1)), -1);
    });
  }
}

/** Host float64 log N(x | loc, scale). */
export function normalLogPdf(x: number, loc: number, scale: number): number {
  const z = (x - loc) / scale;
  return -0.5 * z * z - Math.log(scale) - 0.5 * Math.log(2 * Math.PI);
}

/** Host float64 log Σ exp(v). */
export function logSumExpHost(v: readonly number[]): number {
  const m = Math.max(...v);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(v.reduce((a, b) => a + Math.exp(b - m), 0));
}

/** Host float64 softmax. */
export function softmaxHost(logits: readonly number[]): number[] {
  const l = logSumExpHost(logits);
  return logits.map((v) => Math.exp(v - l));
}
