import * as tf from '@tensorflow/tfjs-core';
import { random, split, type PRNGKey } from '@probdl/tensor-backend';
import type { ApplyOptions, Module } from '../core/module.js';
import { checkInputShape, checkInt, checkPositive, checkTensor, fmtShape } from './internal/checks.js';

/** Options of {@link randomFourierFeatures}. */
export interface RandomFourierFeaturesOptions {
  /** ℓ of the RBF kernel approximated: frequencies are drawn N(0, 1/ℓ²). Default 1. */
  readonly lengthscale?: number;
  /** The input width d; checked against `inputShape` when given. Default: from `inputShape`. */
  readonly inputDim?: number;
  /**
   * The factor in front of the cosines. Default 1/√numFeatures, the Indaba 2022 Bayesian practical's
   * `cos(x S + u)/sqrt(N)`, whose inner products approximate ½·exp(−|x − x′|²/(2ℓ²)). Pass
   * √(2/numFeatures) for Rahimi & Recht's unit-variance form, approximating exp(−|x − x′|²/(2ℓ²)).
   */
  readonly amplitude?: number;
}

/**
 * The fixed random features: `frequencies` S `[d, numFeatures]` and `phases` u `[numFeatures]`.
 * They are drawn once in `init` and are NOT meant to be trained: leave this subtree out of the
 * optimiser (e.g. optimise a Bayesian linear model on top of the features instead).
 */
export type RandomFourierFeaturesParams = { frequencies: tf.Tensor; phases: tf.Tensor };

/**
 * Random Fourier features (Rahimi & Recht 2007) as in the Deep Learning Indaba 2022 Bayesian
 * practical: φ(x) = amplitude·cos(x S + u) with S ~ N(0, 1/ℓ²) of shape `[d, numFeatures]` and
 * u ~ U(−π, π), x `[..., d]` → `[..., numFeatures]`.
 *
 * S and u live in the params as `{ frequencies, phases }` (so save/load and summaries see them),
 * but they are fixed random features: exclude that subtree from optimisation.
 *
 * `init(key)` draws S with k₁ = `split(key)[0]` and u with `split(k₁)[0]`, the practical's order,
 * so `key(42, { partitionable: false })` with ℓ = 1/0.75 reproduces its basis.
 */
export function randomFourierFeatures(numFeatures: number, options: RandomFourierFeaturesOptions = {}): Module<RandomFourierFeaturesParams> {
  checkInt('randomFourierFeatures', 'numFeatures', numFeatures, 1);
  const lengthscale = checkPositive('randomFourierFeatures', 'lengthscale', options.lengthscale ?? 1);
  const amplitude = checkPositive('randomFourierFeatures', 'amplitude', options.amplitude ?? 1 / Math.sqrt(numFeatures));
  const inputDim = options.inputDim === undefined ? undefined : checkInt('randomFourierFeatures', 'inputDim', options.inputDim, 1);
  const where = `randomFourierFeatures(${numFeatures})`;

  const dimOf = (fn: string, inputShape: readonly number[]): number => {
    checkInputShape(fn, inputShape, 1);
    const d = inputShape[inputShape.length - 1]!;
    if (inputDim !== undefined && d !== inputDim) {
      throw new RangeError(`${fn}: inputShape ${fmtShape(inputShape)} has last dimension ${d} but inputDim is ${inputDim}`);
    }
    return d;
  };

  return {
    kind: 'RandomFourierFeatures',
    init(key: PRNGKey, inputShape: readonly number[]): RandomFourierFeaturesParams {
      const d = dimOf(`${where}.init`, inputShape);
      const kS = split(key, 2)[0]!;
      const kU = split(kS, 2)[0]!;
      return tf.tidy(() => ({
        frequencies: tf.div(random.normal(kS, [d, numFeatures]), lengthscale),
        phases: random.uniform(kU, [numFeatures], { minval: -Math.PI, maxval: Math.PI }),
      })) as RandomFourierFeaturesParams;
    },
    outputShape(inputShape: readonly number[]): number[] {
      dimOf(`${where}.outputShape`, inputShape);
      return [...inputShape.slice(0, -1), numFeatures];
    },
    apply(params: RandomFourierFeaturesParams, x: tf.Tensor, _options?: ApplyOptions): tf.Tensor {
      const fn = `${where}.apply`;
      checkTensor(fn, 'x', x);
      checkTensor(fn, 'params.frequencies', params?.frequencies);
      checkTensor(fn, 'params.phases', params.phases);
      const S = params.frequencies;
      if (S.rank !== 2 || S.shape[1] !== numFeatures) {
        throw new RangeError(`${fn}: params.frequencies has shape ${fmtShape(S.shape)}, expected [d, ${numFeatures}]`);
      }
      if (params.phases.rank !== 1 || params.phases.shape[0] !== numFeatures) {
        throw new RangeError(`${fn}: params.phases has shape ${fmtShape(params.phases.shape)}, expected [${numFeatures}]`);
      }
      const d = S.shape[0]!;
      if (x.rank < 1 || x.shape[x.rank - 1] !== d) {
        throw new RangeError(`${fn}: x has last dimension ${x.rank < 1 ? 'none' : x.shape[x.rank - 1]} but the frequencies expect ${d} (x shape ${fmtShape(x.shape)})`);
      }
      return tf.tidy(() => {
        const x2 = tf.reshape(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), [-1, d]);
        const z = tf.add(tf.matMul(x2, S), params.phases);
        const y = tf.mul(tf.cos(z), amplitude);
        return tf.reshape(y, [...x.shape.slice(0, -1), numFeatures]);
      });
    },
  };
}
