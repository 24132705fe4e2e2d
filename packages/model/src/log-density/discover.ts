import * as tf from '@tensorflow/tfjs-core';
import type { Constraint } from '@probdl/distributions';
import type { PRNGKey } from '@probdl/tensor-backend';
import { seed } from '../handlers/seed.js';
import { runModel, withHandler } from '../runtime.js';
import type { Model } from '../types.js';
import {
  describedConstraint,
  runBijector,
  siteMapKind,
  siteShape,
  siteUnconstrainedShape,
  staticBijector,
  type SiteMap,
} from './site-bijector.js';
import type { LatentSite } from './types.js';

/** A latent site with the map that unconstrains it. */
export interface SiteEntry extends LatentSite {
  readonly map: SiteMap;
  /** Index in run order. */
  readonly index: number;
}

/**
 * Runs the model once with every latent site at the image of the unconstrained origin (no
 * randomness; seeded with `key` when given, for subsampling plates and ctx.prngKey) and returns
 * its latent sites in run order, each with its kept bijector (static supports) and its block of
 * the flat position.
 */
export function discoverSites<A extends unknown[]>(model: Model<A>, args: A, key: PRNGKey | undefined): SiteEntry[] {
  const found: { name: string; shape: number[]; support: Constraint; kind: 'static' | 'dynamic' }[] = [];
  tf.tidy(() => {
    const fill = withHandler(model, () => ({
      process(msg) {
        if (msg.type !== 'sample' || msg.isObserved || msg.value !== undefined) return;
        const fn = msg.fn!;
        const kind = siteMapKind(msg.name, fn);
        const shape = siteShape(fn, msg.sampleShape);
        const support = fn.support;
        const map: SiteMap = kind === 'static' ? { kind, bijector: staticBijector(msg.name, support) } : { kind };
        const { bijector } = runBijector(msg.name, map, fn);
        try {
          msg.value = bijector.forward(tf.zeros(siteUnconstrainedShape(msg.name, support, shape)));
        } finally {
          bijector.dispose();
        }
        found.push({ name: msg.name, shape, support, kind });
      },
    }));
    runModel(key ? seed(fill, key) : fill, ...args);
  });
  const entries: SiteEntry[] = [];
  let offset = 0;
  try {
    for (const [index, f] of found.entries()) {
      const unconstrainedShape = siteUnconstrainedShape(f.name, f.support, f.shape);
      const size = unconstrainedShape.reduce((a, b) => a * b, 1);
      const map: SiteMap = f.kind === 'static' ? { kind: 'static', bijector: staticBijector(f.name, f.support) } : { kind: 'dynamic' };
      const constraint = f.kind === 'static' ? f.support : describedConstraint(f.support);
      entries.push({ name: f.name, shape: f.shape, unconstrainedShape, offset, size, constraint, map, index });
      offset += size;
    }
  } catch (e) {
    disposeEntries(entries);
    throw e;
  }
  return entries;
}

/** Disposes the kept bijectors. */
export function disposeEntries(entries: readonly SiteEntry[]): void {
  for (const e of entries) if (e.map.kind === 'static') e.map.bijector.dispose();
}
