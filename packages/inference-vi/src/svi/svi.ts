import * as tf from '@tensorflow/tfjs-core';
import { logDensity, type Model } from '@probdl/model';
import { applyUpdates, type GradientTransformation } from '@probdl/optimizers';
import { foldIn, split, tree, valueAndGrad, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import type { ElboOptions } from '../elbo/types.js';
import { checkLayout } from './internal/layout.js';
import type { AutoGuide, GuideTarget, Svi, SviArgs, SviOptions, SviRunOptions, SviRunResult, SviState } from './types.js';

const ESTIMATOR_KEYS = ['estimator', 'entropy', 'stickingTheLanding', 'k', 'alpha', 'baseline'];

function elboOptionsOf(options: SviOptions): ElboOptions {
  const numParticles = options.numParticles ?? 1;
  if (!Number.isInteger(numParticles) || numParticles < 1) throw new RangeError(`svi: option 'numParticles' must be an integer >= 1, got ${numParticles}`);
  const loss = options.loss ?? 'elbo';
  if (loss === 'elbo') return { numSamples: numParticles };
  if (loss === null || typeof loss !== 'object') throw new RangeError(`svi: option 'loss' must be 'elbo' or ELBO estimator options, got ${String(loss)}`);
  for (const k of Object.keys(loss)) {
    if (!ESTIMATOR_KEYS.includes(k)) throw new RangeError(`svi: unknown key '${k}' in option 'loss' (expected ${ESTIMATOR_KEYS.join(', ')}; use 'numParticles' for the number of draws)`);
  }
  return { ...loss, numSamples: numParticles };
}

function checkKey(fn: string, key: PRNGKey): void {
  if (!key || !(key as { data?: unknown }).data) throw new TypeError(`${fn}: argument 'key' must be a PRNG key from key(seed)`);
}

/**
 * Stochastic variational inference (NumPyro's `SVI(model, guide, optim, loss)`): fits an
 * {@link AutoGuide} to a model of @probdl/model with any @probdl/optimizers
 * `GradientTransformation`, by pure state passing with explicit keys.
 *
 * Step i of a run with key k draws from `foldIn(k, i)`, split into the key of the guide's draws and
 * the key that seeds the model, so a plate with `subsampleSize` visits a fresh random minibatch
 * each step (its likelihood scaled by size / subsampleSize, an unbiased estimate of the full-data
 * log likelihood). Data that change per step (a batch cut by the caller, with `subsample` indices or
 * `subsampleSize` on the plate) are passed as the arguments of `update`, or as a function of the
 * step to `run`. The model is turned into a log density at each step's arguments; its latent sites
 * must be those the guide learnt at `init` (else an error naming the site).
 *
 * The loss is −ELBO (the estimator options of this package's `elbo`; `numParticles` draws per
 * step); for `autoDelta` and `autoLaplaceApproximation` −log p at the point.
 *
 * @example
 * const guide = autoMultivariateNormal(model);
 * const { params, losses } = await svi(model, guide, adam(0.01)).run(key(0), 2000, [x, y]);
 * const draws = guide.sample(key(1), params, 1000);
 */
export function svi<P extends Tree, A extends unknown[]>(model: Model<A>, guide: AutoGuide<P, A>, optimizer: GradientTransformation, options: SviOptions = {}): Svi<P, A> {
  if (typeof model !== 'function') throw new TypeError(`svi: argument 'model' must be a model function (ctx, ...args) => result`);
  if (guide === null || typeof guide !== 'object' || typeof guide.loss !== 'function' || typeof guide.init !== 'function') {
    throw new TypeError(`svi: argument 'guide' must be an autoguide (autoNormal(model), autoMultivariateNormal(model), ...)`);
  }
  if (guide.model !== model) throw new TypeError(`svi: the guide was built for another model (pass the same model function to the guide and to svi)`);
  if (typeof optimizer?.init !== 'function' || typeof optimizer.update !== 'function') throw new TypeError(`svi: argument 'optimizer' must be a GradientTransformation { init, update }`);
  const elboOptions = elboOptionsOf(options);

  /**
   * Runs `body` with the model turned into a log density at `args`, seeded with the model half of
   * `key`; the log density is released after `body` returns (after any gradient it computes).
   */
  const withTarget = <T>(fn: string, key: PRNGKey, args: A, body: (kGuide: PRNGKey, step: GuideTarget<A>) => T): T => {
    const sites = guide.sites;
    if (sites === undefined) throw new Error(`svi.${fn}: the guide ${guide.name} is not initialised: call svi.init(key, ...args) first`);
    const [kGuide, kModel] = split(key, 2) as [PRNGKey, PRNGKey];
    const target = logDensity(model, args, { key: kModel });
    try {
      checkLayout(`svi.${fn}`, sites, target);
      return body(kGuide, { target, args, modelKey: kModel });
    } finally {
      target.dispose();
    }
  };
  const lossAt = (fn: string, key: PRNGKey, params: P, args: A): tf.Scalar =>
    tf.tidy(() => withTarget(fn, key, args, (kGuide, step) => guide.loss(kGuide, params, step, elboOptions)));
  const lossAndGrad = (key: PRNGKey, params: P, args: A): [tf.Scalar, P] =>
    withTarget('update', key, args, (kGuide, step) => {
      const [value, grads] = valueAndGrad((p: P) => guide.loss(kGuide, p, step, elboOptions))(params);
      return [value as tf.Scalar, grads as P];
    });

  const update = (state: SviState<P>, ...args: A): [SviState<P>, tf.Scalar] => {
    if (state === null || typeof state !== 'object' || state.params === undefined) throw new TypeError(`svi.update: argument 'state' must be an SviState from svi.init or svi.update`);
    const [loss, grads] = lossAndGrad(foldIn(state.key, state.step), state.params, args);
    try {
      const [updates, optState] = optimizer.update(grads, state.optState, state.params);
      const params = applyUpdates(state.params, updates) as P;
      tree.dispose(updates);
      return [{ params, optState, key: state.key, step: state.step + 1 }, loss];
    } catch (e) {
      loss.dispose();
      throw e;
    } finally {
      tree.dispose(grads);
    }
  };

  const init = async (key: PRNGKey, ...args: A): Promise<SviState<P>> => {
    checkKey('svi.init', key);
    const [kInit, kRun] = split(key, 2) as [PRNGKey, PRNGKey];
    const params = await guide.init(kInit, ...args);
    return { params, optState: optimizer.init(params), key: kRun, step: 0 };
  };

  const disposeState = (state: SviState<P>): void => {
    tree.dispose(state.params);
    tree.dispose(state.optState);
  };

  const run = async (key: PRNGKey, numSteps: number, args: SviArgs<A>, runOptions: SviRunOptions<P> = {}): Promise<SviRunResult<P>> => {
    checkKey('svi.run', key);
    if (!Number.isInteger(numSteps) || numSteps < 0) throw new RangeError(`svi.run: argument 'numSteps' must be an integer >= 0, got ${numSteps}`);
    if (typeof args !== 'function' && !Array.isArray(args)) throw new TypeError(`svi.run: argument 'args' must be the model's arguments as an array, or a function of the step returning them`);
    const { onStep, progress, signal, initParams } = runOptions;
    const every = runOptions.progressEvery ?? 100;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`svi.run: option 'progressEvery' must be an integer >= 1, got ${every}`);
    const argsAt = (i: number): A => {
      const a = typeof args === 'function' ? args(i) : args;
      if (!Array.isArray(a)) throw new TypeError(`svi.run: the args function must return the model's arguments as an array (step ${i})`);
      return a;
    };
    let state: SviState<P>;
    if (initParams !== undefined) {
      const [kInit, kRun] = split(key, 2) as [PRNGKey, PRNGKey];
      // The guide learns the model's layout; its own initial parameters are not used.
      if (guide.sites === undefined) tree.dispose(await guide.init(kInit, ...argsAt(0)));
      const params = tree.clone(initParams as never) as P;
      state = { params, optState: optimizer.init(params), key: kRun, step: 0 };
    } else state = await init(key, ...argsAt(0));
    const losses: tf.Scalar[] = [];
    let pending = 0;
    let aborted = false;
    const flushProgress = async (done: number) => {
      if (progress === undefined || pending === 0) return;
      const recent = tf.tidy(() => tf.mean(tf.stack(losses.slice(losses.length - pending))));
      const meanLoss = (await recent.data())[0]!;
      recent.dispose();
      pending = 0;
      await progress({ step: done, numSteps, meanLoss });
    };
    try {
      for (let i = 0; i < numSteps; i++) {
        if (signal?.aborted) {
          aborted = true;
          break;
        }
        const [next, loss] = update(state, ...argsAt(i));
        disposeState(state);
        state = next;
        losses.push(loss);
        pending++;
        if (onStep !== undefined) await onStep({ step: i, loss: (await loss.data())[0]!, params: state.params });
        if (pending === every) await flushProgress(i + 1);
      }
      await flushProgress(losses.length);
      const history = new Float32Array(losses.length);
      if (losses.length > 0) {
        const stacked = tf.stack(losses);
        history.set(await stacked.data());
        stacked.dispose();
      }
      return { params: state.params, state, losses: history, aborted };
    } catch (e) {
      disposeState(state);
      throw e;
    } finally {
      tf.dispose(losses);
    }
  };

  return {
    init,
    update,
    evaluate(state: SviState<P>, ...args: A): tf.Scalar {
      return lossAt('evaluate', foldIn(state.key, state.step), state.params, args);
    },
    loss(key: PRNGKey, params: P, ...args: A): tf.Scalar {
      checkKey('svi.loss', key);
      return lossAt('loss', key, params, args);
    },
    getParams: (state) => state.params,
    disposeState,
    run,
  };
}
