import * as tf from '@tensorflow/tfjs-core';
import { random, split, type PRNGKey } from '@probdl/tensor-backend';
import { resolveActivation } from '../core/activations.js';
import { denseOp } from '../dense/dense-op.js';
import type { Initializer } from '../initializers/types.js';
import type { BayesianApplyOptions, BayesianDenseLayer, BayesianDenseOptions, BayesianDenseParams, KlDivergenceOptions } from './types.js';
import { checkPriorArg, weightKl } from './weight-kl.js';

/** What a layer's sampling rule gets: `x` flattened to `[N, in]`, the checked params and the key. */
export interface SampledForwardArgs {
  readonly x2: tf.Tensor2D;
  readonly params: BayesianDenseParams;
  readonly key: PRNGKey;
  /** True when the bias posterior is Gaussian (then `params.biasUntransformedScale` exists). */
  readonly gaussianBias: boolean;
}

/** A layer's sampling rule: the pre-activations `[N, units]` for one draw. */
export type SampledForward = (args: SampledForwardArgs) => tf.Tensor2D;

// TFP's default_mean_field_normal_fn initialisers: loc ~ N(0, 0.1²), untransformed scale ~ N(-3, 0.1²).
const defaultLocInit: Initializer = (k, shape) => tf.tidy(() => tf.mul(random.normal(k, shape), 0.1));
const defaultUntransformedScaleInit: Initializer = (k, shape) => tf.tidy(() => tf.add(tf.mul(random.normal(k, shape), 0.1), -3));

function isPositiveInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0;
}

function describe(x: unknown): string {
  if (x instanceof tf.Tensor) return `a tensor of shape [${x.shape.join(', ')}]`;
  return x === undefined ? 'undefined' : Object.prototype.toString.call(x);
}

/**
 * The shared body of the three Bayesian Dense layers (parameters, checks, the deterministic path,
 * the KL term); `forward` is the one thing they differ in: how a draw of the pre-activations is made.
 */
export function makeBayesianDense(kind: string, fnName: string, units: number, options: BayesianDenseOptions, forward: SampledForward): BayesianDenseLayer {
  const label = `${fnName}(${String(units)})`;
  if (!isPositiveInteger(units)) throw new RangeError(`${fnName}: units must be a positive integer, got ${String(units)}`);
  const useBias = options.useBias ?? true;
  const biasPosterior = options.biasPosterior ?? 'pointMass';
  if (biasPosterior !== 'pointMass' && biasPosterior !== 'normal') {
    throw new RangeError(`${label}: biasPosterior must be 'pointMass' or 'normal', got ${String(biasPosterior)}`);
  }
  const gaussianBias = useBias && biasPosterior === 'normal';
  const klSamples = options.klSamples ?? 1;
  if (!isPositiveInteger(klSamples)) throw new RangeError(`${label}: klSamples must be a positive integer, got ${String(klSamples)}`);
  checkPriorArg(label, 'prior', options.prior);
  checkPriorArg(label, 'kernelPrior', options.kernelPrior);
  checkPriorArg(label, 'biasPrior', options.biasPrior);
  const kernelPrior = options.kernelPrior ?? options.prior;
  const biasPrior = options.biasPrior ?? options.prior;
  const activation = resolveActivation(options.activation, label);
  const locInit = options.locInitializer ?? defaultLocInit;
  const scaleInit = options.untransformedScaleInitializer ?? defaultUntransformedScaleInit;

  function checkParams(where: string, params: BayesianDenseParams): number {
    const p = (params ?? {}) as Partial<BayesianDenseParams>;
    const kl = p.kernelLoc;
    if (!(kl instanceof tf.Tensor) || kl.rank !== 2 || kl.shape[1] !== units) {
      throw new TypeError(`${label}.${where}: params.kernelLoc must be a tensor of shape [in, ${units}], got ${describe(kl)}`);
    }
    const expect = (name: keyof BayesianDenseParams, shape: number[]): void => {
      const t = p[name];
      if (!(t instanceof tf.Tensor) || t.shape.length !== shape.length || t.shape.some((n, i) => n !== shape[i])) {
        throw new TypeError(`${label}.${where}: params.${name} must be a tensor of shape [${shape.join(', ')}], got ${describe(t)}`);
      }
    };
    expect('kernelUntransformedScale', kl.shape);
    if (useBias) expect('biasLoc', [units]);
    if (gaussianBias) expect('biasUntransformedScale', [units]);
    return kl.shape[0]!;
  }

  function checkInput(x: tf.Tensor, inDim: number): void {
    if (!(x instanceof tf.Tensor)) throw new TypeError(`${label}.apply: x must be a tensor, got ${describe(x)}`);
    if (x.rank === 0 || x.shape[x.rank - 1] !== inDim) {
      throw new RangeError(`${label}.apply: x has last dimension ${x.rank === 0 ? 'none (a scalar)' : String(x.shape[x.rank - 1])} but the kernel expects ${inDim} (x shape [${x.shape.join(', ')}])`);
    }
  }

  return {
    kind,
    units,
    init(key: PRNGKey, inputShape: readonly number[]): BayesianDenseParams {
      if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every(isPositiveInteger)) {
        throw new RangeError(`${label}.init: inputShape must be a non-empty array of positive integers (one example's shape), got ${JSON.stringify(inputShape)}`);
      }
      const inDim = inputShape[inputShape.length - 1]!;
      const [kLoc, kScale, kBiasLoc, kBiasScale] = split(key, 4) as [PRNGKey, PRNGKey, PRNGKey, PRNGKey];
      const params: { -readonly [K in keyof BayesianDenseParams]: tf.Tensor } = {
        kernelLoc: locInit(kLoc, [inDim, units]),
        kernelUntransformedScale: scaleInit(kScale, [inDim, units]),
      };
      if (useBias) params.biasLoc = locInit(kBiasLoc, [units]);
      if (gaussianBias) params.biasUntransformedScale = scaleInit(kBiasScale, [units]);
      return params as BayesianDenseParams;
    },
    apply(params: BayesianDenseParams, x: tf.Tensor, applyOptions: BayesianApplyOptions = {}): tf.Tensor {
      const inDim = checkParams('apply', params);
      checkInput(x, inDim);
      if (applyOptions.sample === false) return denseOp(x, params.kernelLoc, params.biasLoc, activation);
      const key = applyOptions.key;
      if (key === undefined) {
        throw new TypeError(`${label}.apply: needs \`key\` to draw the weights from the posterior (apply(params, x, { key })), or { sample: false } for the posterior-mean output`);
      }
      return tf.tidy(() => {
        const lead = x.shape.slice(0, -1);
        const x2 = tf.reshape(x, [-1, inDim]) as tf.Tensor2D;
        const z = forward({ x2, params, key, gaussianBias });
        return tf.reshape(activation(z), [...lead, units]);
      });
    },
    outputShape(inputShape: readonly number[]): number[] {
      return [...inputShape.slice(0, -1), units];
    },
    klDivergence(params: BayesianDenseParams, klOptions: KlDivergenceOptions = {}): tf.Scalar {
      checkParams('klDivergence', params);
      const where = `${label}.klDivergence`;
      const keys = klOptions.key === undefined ? undefined : split(klOptions.key, 2);
      return tf.tidy(() => {
        const kernel = weightKl(where, 'kernel', params.kernelLoc, params.kernelUntransformedScale, kernelPrior, keys?.[0], klSamples);
        if (!gaussianBias) return kernel;
        return tf.add(kernel, weightKl(where, 'bias', params.biasLoc!, params.biasUntransformedScale!, biasPrior, keys?.[1], klSamples)) as tf.Scalar;
      });
    },
  };
}
