import * as tf from '@tensorflow/tfjs-core';
import type { Distribution, TensorInput } from '@probdl/distributions';
import type { PRNGKey } from '@probdl/tensor-backend';
import { seed } from '../handlers/seed.js';
import { substitute } from '../handlers/substitute.js';
import { trace } from '../handlers/trace.js';
import { toTensor } from '../internal/tensors.js';
import { traceLogProb } from '../log-prob.js';
import type { Model } from '../types.js';
import { discoverSites, disposeEntries, type SiteEntry } from './discover.js';
import { positionBatch, runAt, siteBlock } from './evaluate.js';
import { initialPosition } from './initial-position.js';
import { runBijector } from './site-bijector.js';
import type { InitialPositionOptions, LogDensityModel, LogDensityOptions } from './types.js';

/**
 * Turns a model into a log density over a flat unconstrained position (what HMC and VI run), as
 * NumPyro's `initialize_model` / `potential_energy`. The model runs once here to find its latent
 * sample sites (each at the image of the unconstrained origin, no randomness); each gets the
 * block of the position given by `bijectTo(fn.support)` and `unconstrainedShape`. Params take
 * their init values; observed sites, factors and plates' subsample scaling enter the density.
 *
 * The batch rule: `logDensityFn([..., D])` substitutes values with the leading batch dimensions
 * `[...]` into the model, which must broadcast over them (write `tf.expandDims(w, -1)`, not a
 * plain product with data, for a scalar latent against a plate); a site whose log density does not
 * start with the batch dimensions is an error naming it.
 *
 * Errors name the site: discrete latent supports, supports without a bijection, and latent sites
 * that change between runs (checked at every evaluation). `options.key` seeds every run (the same
 * subsample of a subsampling plate each time). `dispose()` releases the kept bijectors.
 */
export function logDensity<A extends unknown[]>(model: Model<A>, args: A, options: LogDensityOptions = {}): LogDensityModel {
  if (typeof model !== 'function') throw new TypeError('logDensity: model must be a function (ctx, ...args) => result');
  if (!Array.isArray(args)) throw new TypeError('logDensity: args must be an array of the model arguments');
  const key = options.key;
  const entries = discoverSites(model, args, key);
  const byName = new Map<string, SiteEntry>(entries.map((e) => [e.name, e]));
  const dim = entries.reduce((s, e) => s + e.size, 0);
  const dynamic = entries.some((e) => e.map.kind === 'dynamic');
  let disposed = false;
  const alive = (fn: string) => {
    if (disposed) throw new Error(`logDensity: ${fn} called after dispose()`);
  };

  const logDensityFn = (position: tf.Tensor): tf.Tensor => {
    alive('logDensityFn');
    const batchShape = positionBatch('logDensityFn', position, dim);
    return tf.tidy(() => {
      const r = runAt('logDensityFn', model, args, entries, byName, key, position, batchShape);
      let total = traceLogProb(r.trace, batchShape);
      for (const ldj of r.logDetJacobians.values()) total = tf.add(total, ldj);
      return total;
    });
  };

  const constrain = (position: tf.Tensor): Record<string, tf.Tensor> => {
    alive('constrain');
    const batchShape = positionBatch('constrain', position, dim);
    return tf.tidy(() => {
      const out: Record<string, tf.Tensor> = {};
      if (dynamic) {
        const r = runAt('constrain', model, args, entries, byName, key, position, batchShape);
        for (const e of entries) out[e.name] = tf.clone(r.values.get(e.name)!);
        return out;
      }
      for (const e of entries) {
        if (e.map.kind === 'static') out[e.name] = e.map.bijector.forward(siteBlock(position, batchShape, e));
      }
      return out;
    });
  };

  const unconstrain = (values: Readonly<Record<string, TensorInput>>): tf.Tensor => {
    alive('unconstrain');
    if (values === null || typeof values !== 'object') throw new TypeError('unconstrain: values must be an object of site name -> constrained value');
    return tf.tidy(() => {
      const given = new Map<string, tf.Tensor>();
      const batches: number[][] = [];
      for (const e of entries) {
        if (!Object.prototype.hasOwnProperty.call(values, e.name)) throw new Error(`unconstrain: no value for latent site '${e.name}'`);
        const v = toTensor(`unconstrain, site '${e.name}'`, 'value', values[e.name]!);
        const k = v.rank - e.shape.length;
        if (k < 0 || v.shape.slice(k).some((d, i) => d !== e.shape[i])) {
          throw new RangeError(`unconstrain: site '${e.name}' has shape [${e.shape.join(', ')}] (after leading batch dimensions), got [${v.shape.join(', ')}]`);
        }
        given.set(e.name, v);
        batches.push(v.shape.slice(0, k));
      }
      let batchShape: number[] = [];
      for (const [i, b] of batches.entries()) {
        try {
          batchShape = tf.broadcast_util.assertAndGetBroadcastShape(batchShape, b);
        } catch {
          throw new RangeError(`unconstrain: the leading batch dimensions [${b.join(', ')}] of site '${entries[i]!.name}' do not broadcast with [${batchShape.join(', ')}]`);
        }
      }
      const fns = new Map<string, Distribution>();
      if (dynamic) {
        const substituted = substitute(model, Object.fromEntries(given));
        const tr = trace(key ? seed(substituted, key) : substituted).getTrace(...args);
        for (const e of entries) {
          const site = tr.get(e.name);
          if (!site || site.type !== 'sample' || site.isObserved) throw new Error(`unconstrain: latent site '${e.name}' of the model's first run did not run this time`);
          fns.set(e.name, site.fn!);
        }
      }
      const blocks = entries.map((e) => {
        const v = given.get(e.name)!;
        const { bijector, owned } = runBijector(e.name, e.map, fns.get(e.name)!);
        try {
          const u = bijector.inverse(v);
          const b = v.shape.slice(0, v.rank - e.shape.length);
          return tf.broadcastTo(tf.reshape(u, [...b, e.size]), [...batchShape, e.size]);
        } finally {
          if (owned) bijector.dispose();
        }
      });
      return blocks.length === 0 ? tf.zeros([...batchShape, 0]) : tf.concat(blocks, -1);
    });
  };

  const self: LogDensityModel = {
    dim,
    sites: entries.map(({ name, shape, unconstrainedShape, offset, size, constraint }) =>
      Object.freeze({ name, shape: [...shape], unconstrainedShape: [...unconstrainedShape], offset, size, constraint }),
    ),
    logDensityFn,
    potentialFn: (position) => tf.tidy(() => tf.neg(logDensityFn(position))),
    constrain,
    unconstrain,
    initialPosition: (k: PRNGKey, o?: InitialPositionOptions) => {
      alive('initialPosition');
      return initialPosition({ model, args, key, entries, byName, dim, logDensityFn }, k, o);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeEntries(entries);
    },
  };
  return self;
}
