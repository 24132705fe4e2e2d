import type { PRNGKey } from '@probdl/tensor-backend';
import { chain, identity } from '../chain.js';
import type { GradientTransformation, OptState, ScalarOrSchedule } from '../types.js';
import { scaleByAdam, scaleByAdamax, scaleByRadam, type ScaleByAdamOptions, type ScaleByAdamaxOptions, type ScaleByRadamOptions } from '../transforms/adam.js';
import { scaleByBelief, type ScaleByBeliefOptions } from '../transforms/belief.js';
import { addDecayedWeights, type Mask } from '../transforms/decayed-weights.js';
import { scaleByLion, type ScaleByLionOptions } from '../transforms/lion.js';
import { addNoise } from '../transforms/noise.js';
import { scaleByAdadelta, scaleByRms, scaleByRss, scaleByStddev, type ScaleByAdadeltaOptions, type ScaleByRssOptions } from '../transforms/rms.js';
import { scaleByLearningRate } from '../transforms/scale.js';
import { trace } from '../transforms/trace.js';
import { scaleByTrustRatio } from '../transforms/trust-ratio.js';
import { checkNumber } from '../transforms/internal.js';

/** An optimizer: a chain of transformations whose state is the list of their states. */
export type Optimizer = GradientTransformation<OptState[]>;

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** Heavy-ball momentum (the decay of {@link trace}), ≥ 0; none when left out. */
  momentum?: number;
  /** Nesterov momentum (needs `momentum`). Default false. */
  nesterov?: boolean;
}

/** Stochastic gradient descent, optionally with momentum (`optax.sgd`): `trace → -lr`. */
export function sgd(lr: ScalarOrSchedule, options: SgdOptions = {}): Optimizer {
  const { momentum, nesterov = false } = options;
  if (nesterov && momentum === undefined) throw new Error('sgd: nesterov needs a momentum');
  return chain(momentum === undefined ? identity() : trace({ decay: checkNumber('sgd', 'momentum', momentum, { min: 0 }), nesterov }), scaleByLearningRate(lr));
}

/** Options of {@link adam}: those of {@link scaleByAdam}. */
export type AdamOptions = ScaleByAdamOptions;

/** Adam (`optax.adam`): `scaleByAdam → -lr`. */
export function adam(lr: ScalarOrSchedule, options: AdamOptions = {}): Optimizer {
  return chain(scaleByAdam(options), scaleByLearningRate(lr));
}

/** NAdam (`optax.nadam`): Adam with Nesterov momentum. */
export function nadam(lr: ScalarOrSchedule, options: Omit<AdamOptions, 'nesterov'> = {}): Optimizer {
  return chain(scaleByAdam({ ...options, nesterov: true }), scaleByLearningRate(lr));
}

/** Options of {@link adamw}. */
export interface AdamwOptions extends ScaleByAdamOptions {
  /** Decoupled weight decay, ≥ 0. Default 1e-4. */
  weightDecay?: number;
  /** Which parameters are decayed (see {@link addDecayedWeights}); all when left out. */
  mask?: Mask;
}

/** AdamW (`optax.adamw`, Loshchilov & Hutter 2019): `scaleByAdam → addDecayedWeights → -lr`. */
export function adamw(lr: ScalarOrSchedule, options: AdamwOptions = {}): Optimizer {
  const { weightDecay = 1e-4, mask, ...adamOptions } = options;
  return chain(scaleByAdam(adamOptions), addDecayedWeights(weightDecay, mask), scaleByLearningRate(lr));
}

/** AdaMax (`optax.adamax`): `scaleByAdamax → -lr`. */
export function adamax(lr: ScalarOrSchedule, options: ScaleByAdamaxOptions = {}): Optimizer {
  return chain(scaleByAdamax(options), scaleByLearningRate(lr));
}

/** Rectified Adam (`optax.radam`): `scaleByRadam → -lr`. */
export function radam(lr: ScalarOrSchedule, options: ScaleByRadamOptions = {}): Optimizer {
  return chain(scaleByRadam(options), scaleByLearningRate(lr));
}

/** Options of {@link rmsprop}. */
export interface RmspropOptions {
  /** Decay of the moving averages, in [0, 1). Default 0.9. */
  decay?: number;
  /** Stabilizing term inside the square root, ≥ 0. Default 1e-8. */
  eps?: number;
  /** Initial value of the moving average of g², ≥ 0. Default 0. */
  initialScale?: number;
  /** Centred RMSProp ({@link scaleByStddev}). Default false. */
  centered?: boolean;
  /** Momentum applied after the learning rate, ≥ 0; none when left out. */
  momentum?: number;
  /** Nesterov momentum (needs `momentum`). Default false. */
  nesterov?: boolean;
}

/**
 * RMSProp (`optax.rmsprop`): `scaleByRms` (or `scaleByStddev` when `centered`) `→ -lr → trace(momentum)`.
 * As in Optax, the momentum acts on the already scaled updates.
 */
export function rmsprop(lr: ScalarOrSchedule, options: RmspropOptions = {}): Optimizer {
  const { decay = 0.9, eps = 1e-8, initialScale = 0, centered = false, momentum, nesterov = false } = options;
  if (nesterov && momentum === undefined) throw new Error('rmsprop: nesterov needs a momentum');
  return chain(
    centered ? scaleByStddev({ decay, eps, initialScale }) : scaleByRms({ decay, eps, initialScale }),
    scaleByLearningRate(lr),
    momentum === undefined ? identity() : trace({ decay: checkNumber('rmsprop', 'momentum', momentum, { min: 0 }), nesterov }),
  );
}

/** AdaGrad (`optax.adagrad`): `scaleByRss → -lr`; defaults `initialAccumulatorValue = 0.1`, `eps = 1e-7`. */
export function adagrad(lr: ScalarOrSchedule, options: ScaleByRssOptions = {}): Optimizer {
  return chain(scaleByRss(options), scaleByLearningRate(lr));
}

/** Options of {@link adadelta}. */
export interface AdadeltaOptions extends ScaleByAdadeltaOptions {
  /** Weight decay added before the rescaling, ≥ 0. Default 0. */
  weightDecay?: number;
  /** Which parameters are decayed; all when left out. */
  mask?: Mask;
}

/** AdaDelta (`optax.adadelta`): `addDecayedWeights → scaleByAdadelta → -lr`. */
export function adadelta(lr: ScalarOrSchedule, options: AdadeltaOptions = {}): Optimizer {
  const { weightDecay = 0, mask, ...rest } = options;
  return chain(addDecayedWeights(weightDecay, mask), scaleByAdadelta(rest), scaleByLearningRate(lr));
}

/** AdaBelief (`optax.adabelief`): `scaleByBelief → -lr`; defaults `eps = epsRoot = 1e-16`. */
export function adabelief(lr: ScalarOrSchedule, options: ScaleByBeliefOptions = {}): Optimizer {
  return chain(scaleByBelief(options), scaleByLearningRate(lr));
}

/** Options of {@link lamb}. */
export interface LambOptions {
  /** Default 0.9. */
  b1?: number;
  /** Default 0.999. */
  b2?: number;
  /** Default 1e-6. */
  eps?: number;
  /** Default 0. */
  epsRoot?: number;
  /** Decoupled weight decay, ≥ 0. Default 0. */
  weightDecay?: number;
  /** Which parameters are decayed; all when left out. */
  mask?: Mask;
}

/** LAMB (`optax.lamb`, You et al. 2019): `scaleByAdam → addDecayedWeights → scaleByTrustRatio → -lr`. */
export function lamb(lr: ScalarOrSchedule, options: LambOptions = {}): Optimizer {
  const { b1, b2, eps = 1e-6, epsRoot = 0, weightDecay = 0, mask } = options;
  return chain(scaleByAdam({ b1, b2, eps, epsRoot }), addDecayedWeights(weightDecay, mask), scaleByTrustRatio(), scaleByLearningRate(lr));
}

/** Options of {@link lion}. */
export interface LionOptions extends ScaleByLionOptions {
  /** Decoupled weight decay, ≥ 0. Default 1e-3. */
  weightDecay?: number;
  /** Which parameters are decayed; all when left out. */
  mask?: Mask;
}

/** Lion (`optax.lion`, Chen et al. 2023): `scaleByLion → addDecayedWeights → -lr`. */
export function lion(lr: ScalarOrSchedule, options: LionOptions = {}): Optimizer {
  const { weightDecay = 1e-3, mask, ...rest } = options;
  return chain(scaleByLion(rest), addDecayedWeights(weightDecay, mask), scaleByLearningRate(lr));
}

/** Options of {@link noisySgd}. */
export interface NoisySgdOptions {
  /** Base variance of the noise, ≥ 0. Default 0.01. */
  eta?: number;
  /** Decay exponent of the variance, ≥ 0. Default 0.55. */
  gamma?: number;
}

/**
 * SGD with annealed gradient noise (`optax.noisy_sgd`): `addNoise(eta, gamma, key) → -lr`. The key
 * is explicit: the same key gives the same trajectory (see {@link addNoise} for where it is kept).
 */
export function noisySgd(lr: ScalarOrSchedule, key: PRNGKey, options: NoisySgdOptions = {}): Optimizer {
  const { eta = 0.01, gamma = 0.55 } = options;
  return chain(addNoise(eta, gamma, key), scaleByLearningRate(lr));
}

