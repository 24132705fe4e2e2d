import * as tf from '@tensorflow/tfjs-core';
import { FillScaleTriL, MultivariateNormalTriL } from '@probdl/distributions';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import { checkDim, checkNoise, disposeWith, inverseSoftplus } from './internal/util.js';
import type { VariationalFamily } from './types.js';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/**
 * Parameters of {@link fullRankNormal} with the default `'fillScaleTril'` parametrisation:
 * `loc` `[D]` and `scaleTrilRaw` `[D(D+1)/2]`, the lower triangle packed row by row
 * (`[L00, L10, L11, L20, L21, L22, ...]`, numpy's `tril_indices` order) with the diagonal entries
 * unconstrained: `L_ii = softplus(raw_ii) + diagShift` (FillScaleTriL of @probdl/distributions).
 */
export interface FullRankNormalParams {
  [k: string]: tf.Tensor;
  /** Mean, `[D]`. */
  loc: tf.Tensor;
  /** The packed, unconstrained lower-triangular scale, `[D(D+1)/2]`. */
  scaleTrilRaw: tf.Tensor;
}

/**
 * Parameters of {@link fullRankNormal} with `parametrisation: 'indaba'`, the Deep Learning Indaba
 * 2022 practical's names: mean `w` `[D]`, `L_o` `[D, D]` (only its strictly lower triangle is read)
 * and `sig` `[D]`, with `L = tril(L_o, -1) + diag(max(exp(sig), 1e-6))` and Σ = L Lᵀ, exactly.
 */
export interface IndabaFullRankParams {
  [k: string]: tf.Tensor;
  /** Mean, `[D]`. */
  w: tf.Tensor;
  /** Strictly lower part of the scale, `[D, D]` (diagonal and upper triangle ignored). */
  L_o: tf.Tensor;
  /** Log of the diagonal of the scale, `[D]`, clipped below at exp(sig) = 1e-6. */
  sig: tf.Tensor;
}

/** Options of {@link fullRankNormal}. */
export interface FullRankNormalOptions {
  /**
   * `'fillScaleTril'` (default): params {@link FullRankNormalParams}. `'indaba'`: params
   * {@link IndabaFullRankParams}, the practical's `tril(L_o, -1) + diag(clip(exp(sig), 1e-6))`.
   */
  readonly parametrisation?: 'fillScaleTril' | 'indaba';
  /**
   * `'fillScaleTril'` only: the scale at `init` is `initScale · I` (default 0.1) and loc is 0 (the
   * key is unused unless `initLocStd` > 0).
   * `'indaba'`: `init` follows the practical's `initialize_params` in spirit: w ~ N(0, 1),
   * L_o and sig ~ N(0, 1e-6) (so L ≈ I); `initScale` and `initLocStd` are ignored.
   */
  readonly initScale?: number;
  /** `'fillScaleTril'` only: loc ~ N(0, initLocStd²) at `init` (default 0). */
  readonly initLocStd?: number;
  /** `'fillScaleTril'` only: added to the softplus of the diagonal (default 1e-5, as TFP's FillScaleTriL). */
  readonly diagShift?: number;
}

/** `[d, d]` float32 masks: strictly lower (1 below the diagonal) and the identity. */
function masks(d: number): { strict: tf.Tensor; eye: tf.Tensor } {
  const m = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) m[i * d + j] = 1;
  return { strict: tf.tensor2d(m, [d, d]), eye: tf.eye(d) };
}

/** The practical's `L = tril(L_o, -1) + diag(max(exp(sig), 1e-6))`, `[D, D]`. */
export function indabaScaleTril(params: IndabaFullRankParams): tf.Tensor {
  return tf.tidy(() => {
    const d = params.sig.shape[0]!;
    const { strict, eye } = masks(d);
    return tf.add(tf.mul(params.L_o, strict), tf.mul(eye, tf.maximum(tf.exp(params.sig), 1e-6)));
  });
}

/**
 * The full-rank Gaussian family q(z) = N(z | loc, L Lᵀ) with a lower-triangular scale L, whose
 * distribution is a `MultivariateNormalTriL` (closed-form KL against any multivariate normal prior).
 * Samples are `loc + L ε` (`eps @ Lᵀ` for a batch); entropy Σ log L_ii + D/2 (1 + log 2π).
 *
 * Two parametrisations (see {@link FullRankNormalOptions}): the default packs the lower triangle with
 * a softplus diagonal; `'indaba'` is the Indaba practical's `{ w, L_o, sig }` exactly.
 */
export function fullRankNormal(options: { parametrisation: 'indaba' } & FullRankNormalOptions): VariationalFamily<IndabaFullRankParams>;
export function fullRankNormal(options?: { parametrisation?: 'fillScaleTril' } & FullRankNormalOptions): VariationalFamily<FullRankNormalParams>;
export function fullRankNormal(options: FullRankNormalOptions = {}): VariationalFamily<FullRankNormalParams> | VariationalFamily<IndabaFullRankParams> {
  const kind = options.parametrisation ?? 'fillScaleTril';
  if (kind === 'indaba') return indabaFamily();
  if (kind !== 'fillScaleTril') throw new RangeError(`fullRankNormal: option 'parametrisation' must be 'fillScaleTril' or 'indaba', got ${String(kind)}`);
  return fillFamily(options);
}

/**
 * The members both parametrisations share, given the params `check` (returns D) and the maps from
 * params to the mean and the scale-tril: N(loc, L Lᵀ) and z = loc + L ε.
 */
function trilMembers<P extends Record<string, tf.Tensor>>(
  fn: string,
  check: (where: string, p: P) => number,
  locOf: (p: P) => tf.Tensor,
  trilOf: (p: P) => tf.Tensor,
): Pick<VariationalFamily<P>, 'distribution' | 'dim' | 'noiseSize' | 'fromNoise'> {
  return {
    distribution(params) {
      check('distribution', params);
      const l = trilOf(params);
      return disposeWith(new MultivariateNormalTriL({ loc: locOf(params), scaleTril: l, validateArgs: false }), [l]);
    },
    dim: (params) => check('dim', params),
    noiseSize: (params) => check('noiseSize', params),
    fromNoise(params, eps) {
      checkNoise(`${fn}.fromNoise`, eps, check('fromNoise', params));
      return tf.tidy(() => tf.add(locOf(params), tf.matMul(eps, tf.transpose(trilOf(params)))));
    },
  };
}

function fillFamily(options: FullRankNormalOptions): VariationalFamily<FullRankNormalParams> {
  const initScale = options.initScale ?? 0.1;
  const diagShift = options.diagShift ?? 1e-5;
  const initLocStd = options.initLocStd ?? 0;
  if (!(diagShift >= 0 && Number.isFinite(diagShift))) throw new RangeError(`fullRankNormal: option 'diagShift' must be >= 0, got ${diagShift}`);
  if (!(initScale > diagShift && Number.isFinite(initScale))) {
    throw new RangeError(`fullRankNormal: option 'initScale' must be a number > diagShift (${diagShift}), got ${initScale}`);
  }
  if (!(initLocStd >= 0 && Number.isFinite(initLocStd))) throw new RangeError(`fullRankNormal: option 'initLocStd' must be >= 0, got ${initLocStd}`);
  const fill = new FillScaleTriL({ diagShift });
  const check = (fn: string, p: FullRankNormalParams): number => {
    const ok = p?.loc instanceof tf.Tensor && p.scaleTrilRaw instanceof tf.Tensor && p.loc.rank === 1 && p.scaleTrilRaw.rank === 1;
    const d = ok ? p.loc.shape[0]! : -1;
    if (!ok || p.scaleTrilRaw.shape[0] !== (d * (d + 1)) / 2) {
      throw new RangeError(`fullRankNormal.${fn}: params must be { loc: [D], scaleTrilRaw: [D(D+1)/2] }`);
    }
    return d;
  };
  const scaleTril = (p: FullRankNormalParams): tf.Tensor => fill.forward(p.scaleTrilRaw);
  return {
    name: 'fullRankNormal',
    reparameterized: true,
    init(key: PRNGKey, dim: number): FullRankNormalParams {
      checkDim('fullRankNormal.init', dim);
      const raw = new Float32Array((dim * (dim + 1)) / 2);
      const diagRaw = inverseSoftplus(initScale - diagShift);
      for (let i = 0; i < dim; i++) raw[(i * (i + 1)) / 2 + i] = diagRaw;
      return {
        loc: initLocStd === 0 ? tf.zeros([dim]) : tf.tidy(() => tf.mul(random.normal(key, [dim]), initLocStd)),
        scaleTrilRaw: tf.tensor1d(raw),
      };
    },
    ...trilMembers('fullRankNormal', check, (p) => p.loc, scaleTril),
    entropy(params) {
      const d = check('entropy', params);
      return tf.tidy(() => {
        const diag = tf.sum(tf.mul(scaleTril(params), tf.eye(d)), -1);
        return tf.add(tf.sum(tf.log(diag)), 0.5 * d * (1 + LOG_TWO_PI));
      });
    },
  };
}

function indabaFamily(): VariationalFamily<IndabaFullRankParams> {
  const check = (fn: string, p: IndabaFullRankParams): number => {
    const ok = p?.w instanceof tf.Tensor && p.L_o instanceof tf.Tensor && p.sig instanceof tf.Tensor && p.w.rank === 1;
    const d = ok ? p.w.shape[0]! : -1;
    if (!ok || p.sig.rank !== 1 || p.sig.shape[0] !== d || p.L_o.rank !== 2 || p.L_o.shape[0] !== d || p.L_o.shape[1] !== d) {
      throw new RangeError(`fullRankNormal('indaba').${fn}: params must be { w: [D], L_o: [D, D], sig: [D] }`);
    }
    return d;
  };
  return {
    name: 'fullRankNormal(indaba)',
    reparameterized: true,
    init(key: PRNGKey, dim: number): IndabaFullRankParams {
      checkDim('fullRankNormal.init', dim);
      const [kw, kl, ks] = random.split(key, 3) as [PRNGKey, PRNGKey, PRNGKey];
      return tf.tidy(() => ({
        w: random.normal(kw, [dim]),
        L_o: tf.mul(random.normal(kl, [dim, dim]), 1e-3),
        sig: tf.mul(random.normal(ks, [dim]), 1e-3),
      }));
    },
    ...trilMembers("fullRankNormal('indaba')", check, (p) => p.w, indabaScaleTril),
    entropy(params) {
      const d = check('entropy', params);
      return tf.tidy(() => tf.add(tf.sum(tf.log(tf.maximum(tf.exp(params.sig), 1e-6))), 0.5 * d * (1 + LOG_TWO_PI)));
    },
  };
}
