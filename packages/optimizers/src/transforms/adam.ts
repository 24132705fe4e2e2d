import * as tf from '@tensorflow/tfjs-core';
import { tree, type Tree } from '@probdl/tensor-backend';
import { incrementCount, zeroCount } from '../chain.js';
import { adamKernelAvailable, fusedAdamStep } from '../internal/adam-kernel.js';
import type { GradientTransformation } from '../types.js';
import { biasCorrection, biasCorrectionFactor, checkBoolean, checkDecay, checkNumber, mapLeaves, tidyPair, updateMoment } from './internal.js';

/** State of the Adam family: step count (int32 scalar), first moment `mu`, second moment `nu`. */
export type ScaleByAdamState = { count: tf.Scalar; mu: Tree; nu: Tree };

/** Options of {@link scaleByAdam}. */
export interface ScaleByAdamOptions {
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  b1?: number;
  /** Decay of the second moment, in [0, 1). Default 0.999. */
  b2?: number;
  /** Added to the square root of the second moment, ≥ 0. Default 1e-8. */
  eps?: number;
  /** Added to the second moment inside the square root, ≥ 0. Default 0. */
  epsRoot?: number;
  /** Nesterov momentum (NAdam). Default false. */
  nesterov?: boolean;
  /**
   * On cpu and wasm, do each leaf's step in one fused host kernel instead of ~13 tfjs ops
   * (same values to float32 rounding). Default true; false forces the op-by-op path, which
   * every other backend takes.
   */
  fusedKernel?: boolean;
}

function adamOptions(fn: string, options: ScaleByAdamOptions, defaults: { eps: number }) {
  return {
    b1: checkDecay(fn, 'b1', options.b1 ?? 0.9),
    b2: checkDecay(fn, 'b2', options.b2 ?? 0.999),
    eps: checkNumber(fn, 'eps', options.eps ?? defaults.eps, { min: 0 }),
    epsRoot: checkNumber(fn, 'epsRoot', options.epsRoot ?? 0, { min: 0 }),
    nesterov: checkBoolean(fn, 'nesterov', options.nesterov ?? false),
    fusedKernel: checkBoolean(fn, 'fusedKernel', options.fusedKernel ?? true),
  };
}

function initMoments(params: Tree): ScaleByAdamState {
  return { count: zeroCount(), mu: tree.zerosLike(params), nu: tree.zerosLike(params) };
}

/**
 * The bias-corrected first moment, plain or Nesterov's (Optax: with `nesterov`,
 * `b1 * mu / (1 - b1^(t+1)) + (1 - b1) * g / (1 - b1^t)`).
 */
function muHat(updates: Tree, mu: Tree, b1: number, count: tf.Scalar, nesterov: boolean): Tree {
  if (!nesterov) return biasCorrection(mu, b1, count);
  return tf.tidy(() => {
    const cNext = biasCorrectionFactor(b1, incrementCount(count));
    const c = biasCorrectionFactor(b1, count);
    return mapLeaves((m, g) => tf.add(tf.mul(tf.div(m, cNext), b1), tf.mul(tf.div(g, c), 1 - b1)), mu, updates) as tf.TensorContainer;
  }) as Tree;
}

/**
 * Rescales updates by Adam (`optax.scale_by_adam`, Kingma & Ba 2014):
 * `mu = b1 mu + (1-b1) g`, `nu = b2 nu + (1-b2) g²`, `u = mû / (sqrt(nû + epsRoot) + eps)` with
 * `mû = mu / (1 - b1^t)`, `nû = nu / (1 - b2^t)`; with `nesterov` the first moment is NAdam's.
 * The bias correction is computed on the device from the int32 count (on cpu and wasm, inside the
 * fused kernel, which reads the count from host memory: no readback).
 */
export function scaleByAdam(options: ScaleByAdamOptions = {}): GradientTransformation<ScaleByAdamState> {
  const { b1, b2, eps, epsRoot, nesterov, fusedKernel } = adamOptions('scaleByAdam', options, { eps: 1e-8 });
  return {
    init: initMoments,
    update: (updates, state) =>
      tidyPair(() => {
        if (fusedKernel && adamKernelAvailable()) {
          const count = incrementCount(state.count);
          const fused = fusedAdamStep(updates, state.mu, state.nu, count, { b1, b2, eps, epsRoot, nesterov });
          if (fused !== undefined) return [fused[0], { count, mu: fused[1], nu: fused[2] }];
        }
        const mu = updateMoment(updates, state.mu, b1, 1);
        const nu = updateMoment(updates, state.nu, b2, 2);
        const count = incrementCount(state.count);
        const mHat = muHat(updates, mu, b1, count, nesterov);
        const nHat = biasCorrection(nu, b2, count);
        const out = mapLeaves((m, v) => tf.div(m, tf.add(tf.sqrt(tf.add(v, epsRoot)), eps)), mHat, nHat);
        return [out, { count, mu, nu }];
      }) as [Tree, ScaleByAdamState],
  };
}

/** Options of {@link scaleByNadam}: those of {@link scaleByAdam} without `nesterov`. */
export type ScaleByNadamOptions = Omit<ScaleByAdamOptions, 'nesterov'>;

/** {@link scaleByAdam} with Nesterov momentum (NAdam, Dozat 2016; `optax.nadam`'s transformation). */
export function scaleByNadam(options: ScaleByNadamOptions = {}): GradientTransformation<ScaleByAdamState> {
  return scaleByAdam({ ...options, nesterov: true });
}

/** Options of {@link scaleByAdamax}. */
export interface ScaleByAdamaxOptions {
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  b1?: number;
  /** Decay of the infinity norm, in [0, 1). Default 0.999. */
  b2?: number;
  /** Added to |g| in the infinity norm, ≥ 0. Default 1e-8. */
  eps?: number;
}

/**
 * Rescales updates by AdaMax (`optax.scale_by_adamax`): `mu = b1 mu + (1-b1) g`,
 * `nu = max(b2 nu, |g| + eps)`, `u = mu / (1 - b1^t) / nu`.
 */
export function scaleByAdamax(options: ScaleByAdamaxOptions = {}): GradientTransformation<ScaleByAdamState> {
  const fn = 'scaleByAdamax';
  const b1 = checkDecay(fn, 'b1', options.b1 ?? 0.9);
  const b2 = checkDecay(fn, 'b2', options.b2 ?? 0.999);
  const eps = checkNumber(fn, 'eps', options.eps ?? 1e-8, { min: 0 });
  return {
    init: initMoments,
    update: (updates, state) =>
      tidyPair(() => {
        const mu = updateMoment(updates, state.mu, b1, 1);
        const nu = mapLeaves((g, n) => tf.maximum(tf.mul(n, b2), tf.add(tf.abs(g), eps)), updates, state.nu);
        const count = incrementCount(state.count);
        const mHat = biasCorrection(mu, b1, count);
        const out = mapLeaves((m, n) => tf.div(m, n), mHat, nu);
        return [out, { count, mu, nu }];
      }) as [Tree, ScaleByAdamState],
  };
}

/** Options of {@link scaleByRadam}. */
export interface ScaleByRadamOptions extends ScaleByAdamOptions {
  /** Rectify only once the length of the approximated SMA exceeds this, > 4. Default 5. */
  threshold?: number;
}

/**
 * Rescales updates by Rectified Adam (`optax.scale_by_radam`, Liu et al. 2020): with
 * `ρ∞ = 2/(1-b2) - 1` and `ρt = ρ∞ - 2 t b2^t / (1 - b2^t)`, the update is
 * `r_t mû / (sqrt(nû + epsRoot) + eps)` when `ρt ≥ threshold`, where
 * `r_t = sqrt((ρt-4)(ρt-2)ρ∞ / ((ρ∞-4)(ρ∞-2)ρt))`, and plain `mû` before that.
 */
export function scaleByRadam(options: ScaleByRadamOptions = {}): GradientTransformation<ScaleByAdamState> {
  const fn = 'scaleByRadam';
  const { b1, b2, eps, epsRoot, nesterov } = adamOptions(fn, options, { eps: 1e-8 });
  const threshold = checkNumber(fn, 'threshold', options.threshold ?? 5, { min: 4, minOpen: true });
  const roInf = 2 / (1 - b2) - 1;
  return {
    init: initMoments,
    update: (updates, state) =>
      tidyPair(() => {
        const mu = updateMoment(updates, state.mu, b1, 1);
        const nu = updateMoment(updates, state.nu, b2, 2);
        const count = incrementCount(state.count);
        const t = tf.cast(count, 'float32');
        const b2t = tf.pow(tf.scalar(b2), t);
        const ro = tf.sub(roInf, tf.div(tf.mul(tf.mul(t, 2), b2t), tf.sub(1, b2t)));
        const r = tf.sqrt(tf.div(tf.mul(tf.mul(tf.sub(ro, 4), tf.sub(ro, 2)), roInf), tf.mul(ro, (roInf - 4) * (roInf - 2))));
        const rectify = tf.greaterEqual(ro, threshold);
        const mHat = muHat(updates, mu, b1, count, nesterov);
        const nHat = biasCorrection(nu, b2, count);
        const out = mapLeaves(
          (m, v) => tf.where(tf.broadcastTo(rectify, m.shape), tf.div(tf.mul(m, r), tf.add(tf.sqrt(tf.add(v, epsRoot)), eps)), m),
          mHat,
          nHat,
        );
        return [out, { count, mu, nu }];
      }) as [Tree, ScaleByAdamState],
  };
}
