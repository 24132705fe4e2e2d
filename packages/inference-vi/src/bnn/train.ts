import * as tf from '@tensorflow/tfjs-core';
import { applyUpdates, type GradientTransformation } from '@probdl/optimizers';
import { foldIn, random, split, tree, valueAndGrad, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { checkCount, checkModule, checkXY, describe } from './internal.js';
import { bayesByBackpropLoss, type BayesByBackpropOptions } from './loss.js';
import type { BnnModule, Dataset, KlSchedule, Likelihood } from './types.js';

/** What {@link TrainBnnOptions.onStep} receives after each step. */
export interface TrainBnnStep<P extends Tree> {
  /** The step index, from 0. */
  readonly step: number;
  /** The epoch of this step, from 0. */
  readonly epoch: number;
  /** The loss of this step's batch (before its update), read back from the device. */
  readonly loss: number;
  /** β of this step. */
  readonly klWeight: number;
  /** The parameters after the update; valid during the callback only (copy with `tree.clone` to keep). */
  readonly params: P;
}

/** Options of {@link trainBayesByBackprop}. Give exactly one of `steps` and `epochs`. */
export interface TrainBnnOptions<P extends Tree> {
  /** The optimizer, e.g. `adam(1e-2)` of @probdl/optimizers. */
  readonly optimizer: GradientTransformation;
  /** The observation model (see {@link Likelihood}). */
  readonly likelihood: Likelihood;
  /** Number of optimizer steps (≥ 0). */
  readonly steps?: number;
  /** Number of passes over the data (≥ 0): steps = epochs · ceil(N / batchSize). */
  readonly epochs?: number;
  /** Examples per step (default N: full batch). Each epoch visits every example once in a fresh order. */
  readonly batchSize?: number;
  /** KL weight β: a constant (default 1) or a schedule of the step, e.g. {@link linearKlWarmup}. */
  readonly annealing?: number | KlSchedule;
  /** Network draws per step for the data term (default 1). */
  readonly numSamples?: number;
  /** N in the loss (default: the number of examples in `data`). */
  readonly datasetSize?: number;
  /** Passed to `apply` besides the key (default `{ training: true }`). */
  readonly applyOptions?: BayesByBackpropOptions['applyOptions'];
  /** Starting parameters (copied; not disposed). Default `module.init(initKey, inputShape)`. */
  readonly init?: P;
  /** The shape of one input example for `init` (default `x.shape.slice(1)`). */
  readonly inputShape?: readonly number[];
  /** Called after every step; may be async. Reading the loss back every step costs a device sync. */
  readonly onStep?: (info: TrainBnnStep<P>) => void | Promise<void>;
}

/** What {@link trainBayesByBackprop} returns. */
export interface TrainBnnResult<P extends Tree> {
  /** The parameters after the last step (the caller disposes them). */
  readonly params: P;
  /** The loss of every step (before its update). */
  readonly history: Float32Array;
  /** β of every step. */
  readonly klWeights: Float64Array;
}

/** Losses are read back in chunks of this many steps, so a long run holds few scalars on the device. */
const FLUSH_EVERY = 512;

/**
 * Trains a network by minimising {@link bayesByBackpropLoss} with `optimizer`: Bayes-by-backprop for a
 * module with `klDivergence` (nn-layers' Bayesian layers), maximum likelihood (with dropout on) for one
 * without. A pure loop with explicit keys: `[initKey, shuffleKey, stepKey] = split(key, 3)`; epoch e
 * visits the examples in the order `permutationIndices(foldIn(shuffleKey, e), N)` (no shuffle for
 * full-batch training), in batches of `batchSize` (the last one smaller when N is not a multiple);
 * step i draws from `foldIn(stepKey, i)` and uses β = `annealing(i)`. Intermediate tensors are freed;
 * the data is not disposed; the result's params belong to the caller.
 */
export async function trainBayesByBackprop<P extends Tree>(key: PRNGKey, module: BnnModule<P>, data: Dataset, options: TrainBnnOptions<P>): Promise<TrainBnnResult<P>> {
  const fn = 'trainBayesByBackprop';
  checkModule(fn, module);
  if (typeof data !== 'object' || data === null) throw new TypeError(`${fn}: argument 'data' must be { x, y }, got ${describe(data)}`);
  const n = checkXY(fn, data.x, data.y);
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: argument 'options' must be an object { optimizer, likelihood, steps | epochs, ... }`);
  const { optimizer, likelihood, annealing = 1, init, onStep, applyOptions } = options;
  if (typeof optimizer?.init !== 'function' || typeof optimizer.update !== 'function') throw new TypeError(`${fn}: option 'optimizer' must be a GradientTransformation { init, update }`);
  if (typeof likelihood !== 'function') throw new TypeError(`${fn}: option 'likelihood' must be a function (outputs, y) => Distribution | log-likelihood tensor`);
  const batchSize = Math.min(checkCount(fn, 'batchSize', options.batchSize ?? n), n);
  const batchesPerEpoch = Math.ceil(n / batchSize);
  if ((options.steps === undefined) === (options.epochs === undefined)) throw new TypeError(`${fn}: give exactly one of the options 'steps' and 'epochs'`);
  const countOf = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${fn}: option '${name}' must be an integer >= 0, got ${String(v)}`);
    return v;
  };
  const steps = options.steps !== undefined ? countOf('steps', options.steps) : countOf('epochs', options.epochs!) * batchesPerEpoch;
  const schedule: KlSchedule = typeof annealing === 'function' ? annealing : () => annealing;
  if (typeof annealing !== 'function' && !(typeof annealing === 'number' && Number.isFinite(annealing) && annealing >= 0)) {
    throw new RangeError(`${fn}: option 'annealing' must be a number >= 0 or a function of the step, got ${String(annealing)}`);
  }
  const datasetSize = options.datasetSize ?? n;
  const numSamples = options.numSamples;
  const inputShape = options.inputShape ?? data.x.shape.slice(1);

  const [initKey, shuffleKey, stepKey] = split(key, 3) as [PRNGKey, PRNGKey, PRNGKey];
  let params: P = init !== undefined ? (tree.clone(init as never) as P) : module.init(initKey, inputShape);
  let state: Tree | undefined;
  const lossAndGrad = valueAndGrad((p: P, k: PRNGKey, xb: tf.Tensor, yb: tf.Tensor, klWeight: number) =>
    bayesByBackpropLoss(module, p, xb, yb, { key: k, likelihood, datasetSize, klWeight, numSamples, applyOptions }),
  );
  const history = new Float32Array(steps);
  const klWeights = new Float64Array(steps);
  const pending: tf.Tensor[] = [];
  let flushed = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const stacked = tf.stack(pending);
    tree.dispose(pending.splice(0));
    try {
      const values = await stacked.data();
      history.set(values, flushed);
      flushed += values.length;
    } finally {
      stacked.dispose();
    }
  };
  let order: Int32Array | undefined;
  try {
    state = optimizer.init(params);
    for (let i = 0; i < steps; i++) {
      const epoch = Math.floor(i / batchesPerEpoch);
      const b = i % batchesPerEpoch;
      const beta = schedule(i);
      if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0) throw new RangeError(`${fn}: the annealing schedule gave ${String(beta)} at step ${i}; it must give finite numbers >= 0`);
      klWeights[i] = beta;
      let xb = data.x;
      let yb = data.y;
      if (batchSize < n) {
        if (b === 0) order = random.permutationIndices(foldIn(shuffleKey, epoch), n);
        const idx = tf.tensor1d(order!.subarray(b * batchSize, Math.min((b + 1) * batchSize, n)), 'int32');
        xb = tf.gather(data.x, idx);
        yb = tf.gather(data.y, idx);
        idx.dispose();
      }
      let loss: tf.Scalar;
      let grads: P;
      try {
        [loss, grads] = lossAndGrad(params, foldIn(stepKey, i), xb, yb, beta);
      } finally {
        if (xb !== data.x) tf.dispose([xb, yb]);
      }
      pending.push(loss); // freed in `finally` whatever happens next
      let updates: Tree;
      let nextState: Tree;
      try {
        [updates, nextState] = optimizer.update(grads, state, params);
      } finally {
        tree.dispose(grads);
      }
      const next = applyUpdates(params, updates) as P;
      tree.dispose([updates, state, params] as Tree);
      params = next;
      state = nextState;
      if (onStep !== undefined) await onStep({ step: i, epoch, loss: (await loss.data())[0]!, klWeight: beta, params });
      if (pending.length >= FLUSH_EVERY) await flush();
    }
    await flush();
    return { params, history, klWeights };
  } catch (e) {
    tree.dispose(params);
    throw e;
  } finally {
    tree.dispose(pending);
    if (state !== undefined) tree.dispose(state);
  }
}
