import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import { seed } from '../handlers/seed.js';
import { substitute } from '../handlers/substitute.js';
import { trace } from '../handlers/trace.js';
import { reduceToBatch } from '../log-prob.js';
import type { Message, Model, Trace } from '../types.js';
import type { SiteEntry } from './discover.js';
import { runBijector, siteShape } from './site-bijector.js';

/** What one run of the model at a position gives: the trace, the constrained values and the log-Jacobians. */
export interface RunAt {
  readonly trace: Trace;
  readonly batchShape: number[];
  readonly values: Map<string, tf.Tensor>;
  /** Per latent site: log|det J| summed to the batch shape. */
  readonly logDetJacobians: Map<string, tf.Tensor>;
}

/** Checks a position `[..., D]` and returns its batch shape. */
export function positionBatch(fn: string, position: tf.Tensor, dim: number): number[] {
  if (!(position instanceof tf.Tensor)) throw new TypeError(`${fn}: position must be a tensor [..., ${dim}]`);
  if (position.isDisposed) throw new Error(`${fn}: position is a disposed tensor`);
  if (position.rank < 1 || position.shape[position.rank - 1] !== dim) {
    throw new RangeError(`${fn}: position must have shape [..., ${dim}] (D = ${dim}, the flat unconstrained size), got [${position.shape.join(', ')}]`);
  }
  if (position.dtype !== 'float32') throw new TypeError(`${fn}: position must be float32, got ${position.dtype}`);
  return position.shape.slice(0, -1);
}

/** Error for a latent site that was not in the model's first run. */
export function newSiteError(fn: string, name: string): Error {
  return new Error(
    `${fn}: latent site '${name}' was not in the model's first run: a model whose latent sample sites change between runs ` +
      '(stochastic control flow, a site that depends on data values) cannot have a fixed flat position',
  );
}

/** Error for a latent site of the first run that this run did not reach. */
export function missingSiteError(fn: string, name: string): Error {
  return new Error(`${fn}: latent site '${name}' of the model's first run did not run this time: the model's latent sample sites must be the same at every run`);
}

/** Checks that a site's value shape in this run still ends with the shape recorded at construction. */
export function checkSiteShape(fn: string, e: SiteEntry, msg: Message): void {
  const s = siteShape(msg.fn!, msg.sampleShape);
  const tail = s.slice(Math.max(0, s.length - e.shape.length));
  if (s.length < e.shape.length || tail.some((d, i) => d !== e.shape[i])) {
    throw new RangeError(
      `${fn}: latent site '${e.name}' has shape [${s.join(', ')}] in this run, but [${e.shape.join(', ')}] in the model's first run: its shape must not change between runs`,
    );
  }
}

/** The block of site `e` in a position `[...batch, D]`, reshaped to `[...batch, ...unconstrainedShape]`. */
export function siteBlock(position: tf.Tensor, batchShape: readonly number[], e: SiteEntry): tf.Tensor {
  const begin = [...batchShape.map(() => 0), e.offset];
  const size = [...batchShape, e.size];
  return tf.reshape(tf.slice(position, begin, size), [...batchShape, ...e.unconstrainedShape]);
}

/**
 * Runs the model with every latent site at the constrained image of its block of `position` (and
 * seeded with `key` when given). Call inside tf.tidy: the result holds tensors of the run.
 */
export function runAt<A extends unknown[]>(
  fn: string,
  model: Model<A>,
  args: A,
  entries: readonly SiteEntry[],
  byName: ReadonlyMap<string, SiteEntry>,
  key: PRNGKey | undefined,
  position: tf.Tensor,
  batchShape: number[],
): RunAt {
  const values = new Map<string, tf.Tensor>();
  const logDetJacobians = new Map<string, tf.Tensor>();
  const valueOf = (msg: Message): tf.Tensor | undefined => {
    if (msg.type !== 'sample') return undefined;
    const e = byName.get(msg.name);
    if (!e) throw newSiteError(fn, msg.name);
    checkSiteShape(fn, e, msg);
    const x = siteBlock(position, batchShape, e);
    const { bijector, owned } = runBijector(e.name, e.map, msg.fn!);
    try {
      const y = bijector.forward(x);
      logDetJacobians.set(e.name, reduceToBatch(e.name, bijector.forwardLogDetJacobian(x), batchShape));
      values.set(e.name, y);
      return y;
    } finally {
      if (owned) bijector.dispose();
    }
  };
  const substituted = substitute(model, valueOf);
  const tr = trace(key ? seed(substituted, key) : substituted).getTrace(...args);
  for (const e of entries) if (!values.has(e.name)) throw missingSiteError(fn, e.name);
  return { trace: tr, batchShape, values, logDetJacobians };
}
