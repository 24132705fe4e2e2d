import * as tf from '@tensorflow/tfjs-core';
import { foldIn, valueAndGrad, type PRNGKey } from '@probdl/tensor-backend';
import { seed } from '../handlers/seed.js';
import { initToUniform } from '../init/strategies.js';
import type { InitSite, InitStrategy } from '../init/types.js';
import { siteLogProb } from '../log-prob.js';
import { runModel, withHandler } from '../runtime.js';
import type { Model } from '../types.js';
import type { SiteEntry } from './discover.js';
import { checkSiteShape, missingSiteError, newSiteError, runAt } from './evaluate.js';
import { runBijector } from './site-bijector.js';
import type { InitialPositionOptions } from './types.js';

/** What initialPosition needs of a log-density model. */
export interface InitContext<A extends unknown[]> {
  readonly model: Model<A>;
  readonly args: A;
  readonly key: PRNGKey | undefined;
  readonly entries: readonly SiteEntry[];
  readonly byName: ReadonlyMap<string, SiteEntry>;
  readonly dim: number;
  logDensityFn(position: tf.Tensor): tf.Tensor;
}

const FN = 'initialPosition';

/** One try: runs the model with each latent site at the strategy's value; returns the flat position [D]. */
function drawPosition<A extends unknown[]>(c: InitContext<A>, strategy: InitStrategy, tryKey: PRNGKey): tf.Tensor {
  const fallback = initToUniform();
  return tf.tidy(() => {
    const blocks = new Map<string, tf.Tensor>();
    const filled = withHandler(c.model, () => ({
      process(msg) {
        if (msg.type !== 'sample' || msg.isObserved || msg.value !== undefined) return;
        const e = c.byName.get(msg.name);
        if (!e) throw newSiteError(FN, msg.name);
        checkSiteShape(FN, e, msg);
        const { bijector, owned } = runBijector(e.name, e.map, msg.fn!);
        try {
          const site: InitSite = {
            name: e.name,
            fn: msg.fn!,
            sampleShape: msg.sampleShape,
            shape: e.shape,
            unconstrainedShape: e.unconstrainedShape,
            bijector,
            key: foldIn(tryKey, e.index),
          };
          const v = strategy.init(site) ?? fallback.init(site);
          if (!v) throw new Error(`${FN}: strategy ${strategy.name} gave no value for site '${e.name}'`);
          const u = 'unconstrained' in v ? v.unconstrained : bijector.inverse(v.constrained);
          if (u.size !== e.size) {
            throw new RangeError(
              `${FN}: strategy ${strategy.name} gave site '${e.name}' an unconstrained value of shape [${u.shape.join(', ')}], expected [${e.unconstrainedShape.join(', ')}]`,
            );
          }
          blocks.set(e.name, tf.reshape(u, [e.size]));
          msg.value = 'constrained' in v ? v.constrained : bijector.forward(u);
        } finally {
          if (owned) bijector.dispose();
        }
      },
    }));
    runModel(c.key ? seed(filled, c.key) : filled, ...c.args);
    const parts = c.entries.map((e) => {
      const b = blocks.get(e.name);
      if (!b) throw missingSiteError(FN, e.name);
      return b;
    });
    return parts.length === 0 ? tf.zeros([0]) : tf.concat(parts);
  });
}

function allFinite(xs: ArrayLike<number>): boolean {
  for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i]!)) return false;
  return true;
}

/** Per-site log density (log|det J| included for latent sites) at a position [D]; names the non-finite ones. */
async function nonFiniteSites<A extends unknown[]>(c: InitContext<A>, position: tf.Tensor, grad: Float32Array | undefined): Promise<string[]> {
  const terms = tf.tidy(() => {
    const r = runAt(FN, c.model, c.args, c.entries, c.byName, c.key, position, []);
    const out: [string, tf.Tensor][] = [];
    for (const site of r.trace.values()) {
      const lp = siteLogProb(site);
      if (!lp) continue;
      const ldj = r.logDetJacobians.get(site.name);
      out.push([site.name, ldj ? tf.add(tf.sum(lp), ldj) : tf.sum(lp)]);
    }
    return out;
  });
  const named: string[] = [];
  try {
    for (const [name, t] of terms) {
      const v = (await t.data())[0]!;
      if (!Number.isFinite(v)) named.push(`site '${name}' has log density ${v}`);
    }
  } finally {
    tf.dispose(terms.map(([, t]) => t));
  }
  if (named.length === 0 && grad) {
    for (const e of c.entries) {
      if (!allFinite(grad.subarray(e.offset, e.offset + e.size))) named.push(`site '${e.name}' has a non-finite gradient`);
    }
  }
  return named;
}

/** Finds a position with finite log density and gradient for one chain, retrying with keys folded from chainKey. */
async function initChain<A extends unknown[]>(c: InitContext<A>, strategy: InitStrategy, chainKey: PRNGKey, maxTries: number, chain: number | undefined): Promise<tf.Tensor> {
  const valueAndGradFn = valueAndGrad((p: tf.Tensor) => c.logDensityFn(p));
  let last: tf.Tensor | undefined;
  let lastGrad: Float32Array | undefined;
  try {
    for (let t = 0; t < maxTries; t++) {
      last?.dispose();
      last = undefined;
      last = drawPosition(c, strategy, foldIn(chainKey, t));
      const [value, g] = valueAndGradFn(last);
      try {
        const v = await value.data();
        lastGrad = (await g.data()) as Float32Array;
        if (Number.isFinite(v[0]!) && allFinite(lastGrad)) {
          const found = last;
          last = undefined;
          return found;
        }
      } finally {
        value.dispose();
        g.dispose();
      }
    }
    const named = last ? await nonFiniteSites(c, last, lastGrad) : [];
    const which = chain === undefined ? '' : ` for chain ${chain}`;
    throw new Error(
      `${FN}: no initial position with a finite log density and gradient${which} in ${maxTries} tries of ${strategy.name}` +
        (named.length > 0 ? `; at the last try ${named.join(', ')}` : '') +
        ' (an observed value outside its support, a factor of -Infinity, or a prior that does not cover the data?)',
    );
  } finally {
    last?.dispose();
  }
}

/**
 * Draws a starting position per chain with `strategy` (default `initToUniform()`), retrying each
 * chain independently (keys folded from `key`) until log density and gradient are finite.
 */
export async function initialPosition<A extends unknown[]>(c: InitContext<A>, key: PRNGKey, options: InitialPositionOptions = {}): Promise<tf.Tensor> {
  if (!key || !(key as { data?: unknown }).data) throw new TypeError(`${FN}: key must be a PRNG key from key(seed)`);
  const strategy = options.strategy ?? initToUniform();
  if (!strategy || typeof strategy.init !== 'function') throw new TypeError(`${FN}: strategy must be an init strategy (initToUniform(), initToValue(...), ...)`);
  const maxTries = options.maxTries ?? 100;
  if (!Number.isInteger(maxTries) || maxTries < 1) throw new RangeError(`${FN}: maxTries must be a positive integer, got ${maxTries}`);
  const numChains = options.numChains;
  if (numChains === undefined) return initChain(c, strategy, key, maxTries, undefined);
  if (!Number.isInteger(numChains) || numChains < 1) throw new RangeError(`${FN}: numChains must be a positive integer, got ${numChains}`);
  const rows: tf.Tensor[] = [];
  try {
    for (let i = 0; i < numChains; i++) rows.push(await initChain(c, strategy, foldIn(key, i), maxTries, i));
    return tf.stack(rows);
  } finally {
    tf.dispose(rows);
  }
}
