import * as tf from '@tensorflow/tfjs-core';
import { Delta } from '@probdl/distributions';
import { initToUniform, logDensity, type LatentSite, type LogDensityModel, type Model, type ModelContext } from '@probdl/model';
import { ndtri, split, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import type { ElboOptions } from '../../elbo/types.js';
import type { AutoGuide, AutoGuideOptions, GuideTarget } from '../types.js';

/** What `init` learnt: the model at the init arguments (for constrain) and its layout. */
export interface Layout {
  readonly proto: LogDensityModel;
  readonly sites: readonly LatentSite[];
  readonly dim: number;
}

/** The part of a guide that differs between autoguides; the rest is {@link makeAutoGuide}. */
export interface GuideCore<P extends Tree, A extends unknown[]> {
  /** Initial parameters from the initial unconstrained position `loc` `[D]` (not to be disposed by the core). */
  initParams(key: PRNGKey, loc: tf.Tensor, layout: Layout): P;
  /** The loss at one step (see AutoGuide.loss). */
  loss(key: PRNGKey, params: P, step: GuideTarget<A>, options: ElboOptions, layout: Layout): tf.Scalar;
  /** Draws `[n, D]` on the unconstrained position. */
  sampleUnconstrained(key: PRNGKey, params: P, n: number, layout: Layout): tf.Tensor;
  /** The location `[D]` (the median on the unconstrained position). */
  loc(params: P, layout: Layout): tf.Tensor;
  /** The marginal standard deviations `[D]` on the unconstrained position. */
  marginalStd(params: P, layout: Layout): tf.Tensor;
}

/** Checks the common autoguide options; returns initScale. */
export function checkGuideOptions(name: string, options: AutoGuideOptions): number {
  const initScale = options.initScale ?? 0.1;
  if (!(initScale > 0) || !Number.isFinite(initScale)) throw new RangeError(`${name}: option 'initScale' must be a positive number, got ${initScale}`);
  if (options.initLocFn !== undefined && typeof options.initLocFn?.init !== 'function') {
    throw new TypeError(`${name}: option 'initLocFn' must be an init strategy of @probdl/model (initToUniform(), initToMedian(), ...)`);
  }
  return initScale;
}

/** Builds an {@link AutoGuide} from the parts that differ between autoguides. */
export function makeAutoGuide<P extends Tree, A extends unknown[]>(name: string, model: Model<A>, options: AutoGuideOptions, core: GuideCore<P, A>): AutoGuide<P, A> {
  if (typeof model !== 'function') throw new TypeError(`${name}: argument 'model' must be a model function (ctx, ...args) => result`);
  checkGuideOptions(name, options);
  let layout: Layout | undefined;
  const ready = (fn: string): Layout => {
    if (layout === undefined) throw new Error(`${name}.${fn}: the guide is not initialised: call init(key, ...args) (or svi(...).init / run) first`);
    return layout;
  };
  const checkCount = (fn: string, n: number) => {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name}.${fn}: argument 'numSamples' must be an integer >= 1, got ${n}`);
  };
  const sampleUnconstrained = (key: PRNGKey, params: P, n: number): tf.Tensor => {
    const l = ready('sampleUnconstrained');
    checkCount('sampleUnconstrained', n);
    return tf.tidy(() => core.sampleUnconstrained(key, params, n, l));
  };
  const guide: AutoGuide<P, A> = {
    name,
    model,
    get sites() {
      return layout?.sites;
    },
    get dim() {
      return layout?.dim;
    },
    async init(key: PRNGKey, ...args: A): Promise<P> {
      if (!key || !(key as { data?: unknown }).data) throw new TypeError(`${name}.init: argument 'key' must be a PRNG key from key(seed)`);
      const [kModel, kInit, kParams] = split(key, 3) as [PRNGKey, PRNGKey, PRNGKey];
      const proto = logDensity(model, args, { key: kModel });
      let loc: tf.Tensor | undefined;
      try {
        if (proto.dim === 0) throw new Error(`${name}.init: the model has no latent sample sites to approximate`);
        loc = await proto.initialPosition(kInit, { strategy: options.initLocFn ?? initToUniform() });
        const next: Layout = { proto, sites: proto.sites, dim: proto.dim };
        const params = tf.tidy(() => core.initParams(kParams, loc!, next) as never) as P;
        layout?.proto.dispose();
        layout = next;
        return params;
      } catch (e) {
        proto.dispose();
        throw e;
      } finally {
        loc?.dispose();
      }
    },
    loss(key: PRNGKey, params: P, step: GuideTarget<A>, elboOptions: ElboOptions): tf.Scalar {
      const l = ready('loss');
      return tf.tidy(() => core.loss(key, params, step, elboOptions, l));
    },
    sampleUnconstrained,
    sample(key: PRNGKey, params: P, n: number): Record<string, tf.Tensor> {
      const l = ready('sample');
      checkCount('sample', n);
      return tf.tidy(() => l.proto.constrain(core.sampleUnconstrained(key, params, n, l)));
    },
    median(params: P): Record<string, tf.Tensor> {
      const l = ready('median');
      return tf.tidy(() => l.proto.constrain(core.loc(params, l)));
    },
    quantiles(params: P, qs: readonly number[]): Record<string, tf.Tensor> {
      const l = ready('quantiles');
      if (!Array.isArray(qs) || qs.length === 0 || qs.some((q) => !(q > 0 && q < 1))) {
        throw new RangeError(`${name}.quantiles: argument 'qs' must be a non-empty array of numbers in (0, 1), got [${String(qs)}]`);
      }
      return tf.tidy(() => {
        const z = tf.expandDims(ndtri(tf.tensor1d([...qs])), 1); // [Q, 1]
        const u = tf.add(core.loc(params, l), tf.mul(z, core.marginalStd(params, l))); // [Q, D]
        return l.proto.constrain(u);
      });
    },
    asModel(params: P): Model<A> {
      const l = ready('asModel');
      const guideModel = (ctx: ModelContext): Record<string, tf.Tensor> => {
        const u = tf.reshape(core.sampleUnconstrained(ctx.prngKey(), params, 1, l), [l.dim]);
        const values = l.proto.constrain(u);
        for (const s of l.sites) {
          ctx.sample(s.name, new Delta({ loc: values[s.name]!, eventNdims: s.shape.length, validateArgs: false }));
        }
        return values;
      };
      return guideModel as unknown as Model<A>;
    },
    dispose() {
      layout?.proto.dispose();
      layout = undefined;
    },
  };
  return guide;
}
