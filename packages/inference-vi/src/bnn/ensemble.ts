import * as tf from '@tensorflow/tfjs-core';
import { foldIn, tree, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { checkBatch, checkCount, checkModule, describe } from './internal.js';
import { trainBayesByBackprop, type TrainBnnOptions } from './train.js';
import type { BnnApplyOptions, BnnModule, Dataset } from './types.js';

/** What a member trainer returns: the member's parameters, with an optional loss history (other fields are ignored). */
export interface EnsembleMemberResult<P extends Tree> {
  /** The trained parameters (ownership passes to the ensemble's caller). */
  readonly params: P;
  /** The member's loss history, if any. */
  readonly history?: Float32Array;
}

/** Options of {@link trainEnsemble}: {@link TrainBnnOptions} (without `init`) plus the number of members. */
export interface TrainEnsembleOptions<P extends Tree> extends Omit<TrainBnnOptions<P>, 'init' | 'onStep'> {
  /** M, the number of members (≥ 1). */
  readonly members: number;
  /** Called after every step of every member. */
  readonly onStep?: (info: Parameters<NonNullable<TrainBnnOptions<P>['onStep']>>[0] & { readonly member: number }) => void | Promise<void>;
}

/** What {@link trainEnsemble} and {@link buildEnsemble} return. */
export interface EnsembleResult<P extends Tree> {
  /** The M members' parameters (the caller disposes them, e.g. `tree.dispose(members)`). */
  readonly members: P[];
  /** Each member's loss history (empty when its trainer gave none). */
  readonly histories: Float32Array[];
}

/**
 * A deep ensemble (Lakshminarayanan et al. 2017) from any training procedure: member m is
 * `await trainMember(foldIn(key, m), m)`, which should initialise from its key (so the members start
 * from different random points) and may use any loss; it returns `{ params, history? }` (the result
 * of {@link trainBayesByBackprop} qualifies). Members are trained one after another; if one fails, those already trained
 * are disposed.
 */
export async function buildEnsemble<P extends Tree>(key: PRNGKey, members: number, trainMember: (memberKey: PRNGKey, index: number) => EnsembleMemberResult<P> | Promise<EnsembleMemberResult<P>>): Promise<EnsembleResult<P>> {
  const fn = 'buildEnsemble';
  const m = checkCount(fn, 'members', members);
  if (typeof trainMember !== 'function') throw new TypeError(`${fn}: argument 'trainMember' must be a function (memberKey, index) => params, got ${describe(trainMember)}`);
  const out: P[] = [];
  const histories: Float32Array[] = [];
  try {
    for (let i = 0; i < m; i++) {
      const r = await trainMember(foldIn(key, i), i);
      if (typeof r !== 'object' || r === null || !('params' in r)) {
        throw new TypeError(`${fn}: trainMember must return { params, history? }, got ${describe(r)} for member ${i}`);
      }
      out.push(r.params);
      histories.push(r.history instanceof Float32Array ? r.history : new Float32Array(0));
    }
    return { members: out, histories };
  } catch (e) {
    tree.dispose(out as Tree);
    throw e;
  }
}

/**
 * Trains a deep ensemble of M copies of `module` with {@link trainBayesByBackprop}: member m runs it
 * with key `foldIn(key, m)`, so each member has its own initialisation, batch order and noise. The
 * loss is the Bayes-by-backprop one, i.e. the mean negative log-likelihood for a non-Bayesian module
 * (the usual deep ensemble with a proper scoring rule), or an ensemble of BNNs for a Bayesian one.
 * For any other loss, use {@link buildEnsemble}.
 */
export async function trainEnsemble<P extends Tree>(key: PRNGKey, module: BnnModule<P>, data: Dataset, options: TrainEnsembleOptions<P>): Promise<EnsembleResult<P>> {
  checkModule('trainEnsemble', module);
  const { members, onStep, ...rest } = options ?? ({} as TrainEnsembleOptions<P>);
  return buildEnsemble<P>(key, checkCount('trainEnsemble', 'members', members), async (k, member) =>
    trainBayesByBackprop(k, module, data, { ...rest, onStep: onStep === undefined ? undefined : (info) => onStep({ ...info, member }) }),
  );
}

/** Options of {@link ensemblePredict}. */
export interface EnsemblePredictOptions {
  /** A key for stochastic members (member m applies with `foldIn(key, m)`); default: deterministic apply. */
  readonly key?: PRNGKey;
  /** Passed to `apply` (default none: evaluation mode). */
  readonly applyOptions?: Omit<BnnApplyOptions, 'key'> & Record<string, unknown>;
}

/**
 * Every member's output for `x`, stacked: `[M, ...outputShape]` (fresh). Summarise with
 * {@link predictiveSummary}, or for Gaussian heads with {@link gaussianMixturePredictive}
 * (mean of the means, variance = mean of the variances + variance of the means).
 */
export function ensemblePredict<P extends Tree>(module: BnnModule<P>, members: readonly P[], x: tf.Tensor, options: EnsemblePredictOptions = {}): tf.Tensor {
  const fn = 'ensemblePredict';
  checkModule(fn, module);
  checkBatch(fn, 'x', x);
  if (!Array.isArray(members) || members.length === 0) throw new RangeError(`${fn}: argument 'members' must be a non-empty array of parameter trees, got ${describe(members)}`);
  const { key, applyOptions = {} } = options;
  return tf.tidy(() => tf.stack(members.map((p, m) => module.apply(p, x, key === undefined ? { ...applyOptions } : { ...applyOptions, key: foldIn(key, m) }))));
}
