import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import type { GradientTransformation } from '../types.js';
import { checkBoolean, checkDecay, checkNumber, fullLike, mapLeaves, tidyPair, updateMoment } from './internal.js';

/** State of {@link scaleByRms}: the moving average of squared updates. */
export type ScaleByRmsState = { nu: Tree };

/** Options of {@link scaleByRms}. */
export interface ScaleByRmsOptions {
  /** Decay of the moving average of g², in [0, 1). Default 0.9. */
  decay?: number;
  /** Stabilizing term, ≥ 0. Default 1e-8. */
  eps?: number;
  /** Initial value of the moving average, ≥ 0. Default 0. */
  initialScale?: number;
  /** `g / sqrt(nu + eps)` when true (Optax's default), `g / (sqrt(nu) + eps)` when false. Default true. */
  epsInSqrt?: boolean;
}

/**
 * Rescales updates by the root mean square of past updates (`optax.scale_by_rms`, RMSProp):
 * `nu = decay nu + (1-decay) g²`, `u = g / sqrt(nu + eps)`.
 */
export function scaleByRms(options: ScaleByRmsOptions = {}): GradientTransformation<ScaleByRmsState> {
  const fn = 'scaleByRms';
  const decay = checkDecay(fn, 'decay', options.decay ?? 0.9);
  const eps = checkNumber(fn, 'eps', options.eps ?? 1e-8, { min: 0 });
  const initialScale = checkNumber(fn, 'initialScale', options.initialScale ?? 0, { min: 0 });
  const epsInSqrt = checkBoolean(fn, 'epsInSqrt', options.epsInSqrt ?? true);
  return {
    init: (params) => ({ nu: fullLike(params, initialScale) }),
    update: (updates, state) =>
      tidyPair(() => {
        const nu = updateMoment(updates, state.nu, decay, 2);
        const out = mapLeaves((g, n) => (epsInSqrt ? tf.mul(g, tf.rsqrt(tf.add(n, eps))) : tf.div(g, tf.add(tf.sqrt(n), eps))), updates, nu);
        return [out, { nu }];
      }) as [Tree, ScaleByRmsState],
  };
}

/** State of {@link scaleByStddev}: moving averages of the updates and of their squares. */
export type ScaleByStddevState = { mu: Tree; nu: Tree };

/** Options of {@link scaleByStddev}. */
export interface ScaleByStddevOptions {
  /** Decay of the moving averages, in [0, 1). Default 0.9. */
  decay?: number;
  /** Added to the variance inside the square root, ≥ 0. Default 1e-8. */
  eps?: number;
  /** Initial value of the moving average of g², ≥ 0. Default 0. */
  initialScale?: number;
}

/**
 * Rescales updates by their centred root mean square (`optax.scale_by_stddev`, centred RMSProp):
 * `mu = decay mu + (1-decay) g`, `nu = decay nu + (1-decay) g²`, `u = g / sqrt(nu - mu² + eps)`.
 */
export function scaleByStddev(options: ScaleByStddevOptions = {}): GradientTransformation<ScaleByStddevState> {
  const fn = 'scaleByStddev';
  const decay = checkDecay(fn, 'decay', options.decay ?? 0.9);
  const eps = checkNumber(fn, 'eps', options.eps ?? 1e-8, { min: 0 });
  const initialScale = checkNumber(fn, 'initialScale', options.initialScale ?? 0, { min: 0 });
  return {
    init: (params) => ({ mu: tree.zerosLike(params), nu: fullLike(params, initialScale) }),
    update: (updates, state) =>
      tidyPair(() => {
        const mu = updateMoment(updates, state.mu, decay, 1);
        const nu = updateMoment(updates, state.nu, decay, 2);
        const out = mapLeaves((g, m, n) => tf.mul(g, tf.rsqrt(tf.add(tf.sub(n, tf.square(m)), eps))), updates, mu, nu);
        return [out, { mu, nu }];
      }) as [Tree, ScaleByStddevState],
  };
}

/** State of {@link scaleByRss}: the running sum of squared updates. */
export type ScaleByRssState = { sumOfSquares: Tree };

/** Options of {@link scaleByRss}. */
export interface ScaleByRssOptions {
  /** Starting value of the sum of squares, ≥ 0. Default 0.1. */
  initialAccumulatorValue?: number;
  /** Added to the sum inside the square root, ≥ 0. Default 1e-7. */
  eps?: number;
}

/**
 * Rescales updates by the root of the sum of all squared updates so far (`optax.scale_by_rss`,
 * AdaGrad): `s = s + g²`, `u = g / sqrt(s + eps)` where `s > 0`, and 0 where `s = 0`.
 */
export function scaleByRss(options: ScaleByRssOptions = {}): GradientTransformation<ScaleByRssState> {
  const fn = 'scaleByRss';
  const initial = checkNumber(fn, 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0.1, { min: 0 });
  const eps = checkNumber(fn, 'eps', options.eps ?? 1e-7, { min: 0 });
  return {
    init: (params) => ({ sumOfSquares: fullLike(params, initial) }),
    update: (updates, state) =>
      tidyPair(() => {
        const sumOfSquares = mapLeaves((g, s) => tf.add(s, tf.square(g)), updates, state.sumOfSquares);
        const out = mapLeaves(
          (g, s) => tf.where(tf.greater(s, 0), tf.mul(g, tf.rsqrt(tf.add(s, eps))), tf.zerosLike(g)),
          updates,
          sumOfSquares,
        );
        return [out, { sumOfSquares }];
      }) as [Tree, ScaleByRssState],
  };
}

/** State of {@link scaleByAdadelta}: moving averages of squared gradients and of squared updates. */
export type ScaleByAdadeltaState = { eG: Tree; eX: Tree };

/** Options of {@link scaleByAdadelta}. */
export interface ScaleByAdadeltaOptions {
  /** Decay of both moving averages, in [0, 1). Default 0.9. */
  rho?: number;
  /** Stabilizing term, ≥ 0. Default 1e-6. */
  eps?: number;
}

/**
 * Rescales updates by AdaDelta (`optax.scale_by_adadelta`, Zeiler 2012):
 * `Eg = rho Eg + (1-rho) g²`, `u = sqrt(Ex_prev + eps) / sqrt(Eg + eps) · g`, `Ex = rho Ex + (1-rho) u²`.
 */
export function scaleByAdadelta(options: ScaleByAdadeltaOptions = {}): GradientTransformation<ScaleByAdadeltaState> {
  const fn = 'scaleByAdadelta';
  const rho = checkDecay(fn, 'rho', options.rho ?? 0.9);
  const eps = checkNumber(fn, 'eps', options.eps ?? 1e-6, { min: 0 });
  return {
    init: (params) => ({ eG: tree.zerosLike(params), eX: tree.zerosLike(params) }),
    update: (updates, state) =>
      tidyPair(() => {
        const eG = updateMoment(updates, state.eG, rho, 2);
        const out = mapLeaves((g, eg, ex) => tf.mul(tf.div(tf.sqrt(tf.add(ex, eps)), tf.sqrt(tf.add(eg, eps))), g), updates, eG, state.eX);
        const eX = updateMoment(out, state.eX, rho, 2);
        return [out, { eG, eX }];
      }) as [Tree, ScaleByAdadeltaState],
  };
}
