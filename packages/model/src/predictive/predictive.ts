import * as tf from '@tensorflow/tfjs-core';
import type { TensorInput } from '@probdl/distributions';
import { foldIn, split, type PRNGKey } from '@probdl/tensor-backend';
import { replay } from '../handlers/replay.js';
import { seed } from '../handlers/seed.js';
import { substitute, uncondition } from '../handlers/substitute.js';
import { trace } from '../handlers/trace.js';
import type { Model, Trace } from '../types.js';
import { batchDraw, withSampleAxis } from './batch-draw.js';
import { drawAt, leadingSize } from './samples.js';

/** Options of {@link Predictive}. */
export interface PredictiveOptions {
  /** Posterior draws by latent site name, each with a leading sample axis of the same size S. */
  readonly posteriorSamples?: Readonly<Record<string, tf.Tensor>>;
  /** A guide (same arguments as the model) whose latent draws are replayed into the model. */
  readonly guide?: Model;
  /** Values of `ctx.param` sites (constrained), substituted into the model and the guide. */
  readonly params?: Readonly<Record<string, TensorInput>>;
  /** S for the prior and guide modes; with posteriorSamples it must equal their leading size if given. */
  readonly numSamples?: number;
  /** The sites to return; by default the sample sites not given (observed and unsampled latents) and every deterministic site. */
  readonly returnSites?: readonly string[];
  /** Run all S predictions in one run of the model with a leading sample axis (the model must broadcast over it). */
  readonly batched?: boolean;
}

type Given = Record<string, tf.Tensor>;

/**
 * Prior and posterior predictive draws (NumPyro's `Predictive`).
 *
 * - Prior predictive (no posteriorSamples, no guide): `numSamples` draws of every site.
 * - Posterior predictive (posteriorSamples): each draw s is substituted into the model.
 * - Guide-based (guide): the guide is run, and its latent draws (and plate indices) are replayed into the model.
 *
 * In every mode the observed sites are re-drawn: the model runs under `uncondition`, which turns
 * observed sample sites into latent ones (NumPyro instead keeps an `obs` that is passed, and asks
 * for `y=None`; here passing the data does not change the predictions).
 *
 * Unbatched (the default), draw s runs the model once with the key `foldIn(key, s)` (in guide mode
 * split into a guide key and a model key) and the results are stacked. With `batched: true` all S
 * values are substituted at once with their leading axis; sites drawn without that axis get S
 * draws, found by comparing with one unbatched reference run; the model must broadcast.
 *
 * `sample` returns fresh tensors `[S, ...site shape]` that the caller owns.
 */
export class Predictive<A extends unknown[] = any[]> {
  private readonly model: Model<A>;
  private readonly options: PredictiveOptions;

  constructor(model: Model<A>, options: PredictiveOptions = {}) {
    if (typeof model !== 'function') throw new TypeError('Predictive: model must be a function (ctx, ...args) => result');
    if (options.posteriorSamples && options.guide) throw new TypeError('Predictive: give posteriorSamples or a guide, not both');
    if (options.guide !== undefined && typeof options.guide !== 'function') throw new TypeError('Predictive: guide must be a model function');
    const S = options.posteriorSamples ? leadingSize('Predictive', options.posteriorSamples) : undefined;
    if (options.numSamples !== undefined && (!Number.isInteger(options.numSamples) || options.numSamples < 1)) {
      throw new RangeError(`Predictive: numSamples must be a positive integer, got ${options.numSamples}`);
    }
    if (S !== undefined && options.numSamples !== undefined && options.numSamples !== S) {
      throw new RangeError(`Predictive: numSamples ${options.numSamples} differs from the ${S} posterior draws`);
    }
    if (!options.posteriorSamples && options.numSamples === undefined) throw new TypeError('Predictive: numSamples is required without posteriorSamples');
    if (options.posteriorSamples && S === undefined && options.numSamples === undefined) {
      throw new TypeError('Predictive: posteriorSamples is empty; give numSamples');
    }
    this.model = model;
    this.options = options;
  }

  /** Number of draws S. */
  get numSamples(): number {
    const { posteriorSamples, numSamples } = this.options;
    return (posteriorSamples ? leadingSize('Predictive', posteriorSamples) : undefined) ?? numSamples!;
  }

  /** Draws S predictions of the chosen sites: `{ name: [S, ...site shape] }` (fresh tensors). */
  sample(key: PRNGKey, ...args: A): Record<string, tf.Tensor> {
    if (!key || !(key as { data?: unknown }).data) throw new TypeError('Predictive.sample: key must be a PRNG key from key(seed)');
    return this.options.batched ? this.sampleBatched(key, args) : this.sampleLooped(key, args);
  }

  private withParams<B extends unknown[]>(m: Model<B>): Model<B> {
    return this.options.params ? substitute(m, this.options.params) : m;
  }

  /** The model with observed sites re-drawn and `given` substituted. */
  private predictiveModel(given: Given | Trace | undefined): Model<A> {
    const m = uncondition(this.withParams(this.model));
    if (given === undefined) return m;
    return given instanceof Map ? replay(m, given as Trace) : substitute(m, given as Given);
  }

  private guideTrace(key: PRNGKey, args: A, wrap?: (m: Model<A>) => Model<A>): Trace {
    const g = seed(this.withParams(this.options.guide as Model<A>), key);
    return trace(wrap ? wrap(g) : g).getTrace(...args);
  }

  private selected(tr: Trace, givenNames: ReadonlySet<string>): string[] {
    const { returnSites } = this.options;
    if (returnSites) {
      for (const n of returnSites) if (!tr.has(n)) throw new Error(`Predictive: return site '${n}' is not a site of the model`);
      return [...returnSites];
    }
    return [...tr.values()].filter((s) => (s.type === 'sample' && !givenNames.has(s.name)) || s.type === 'deterministic').map((s) => s.name);
  }

  private runOne(key: PRNGKey, s: number, args: A): { values: Record<string, tf.Tensor> } {
    const { posteriorSamples, guide } = this.options;
    const ks = foldIn(key, s);
    let tr: Trace;
    let givenNames: Set<string>;
    if (guide) {
      const [kg, km] = split(ks);
      const gtr = this.guideTrace(kg!, args);
      givenNames = new Set([...gtr.values()].filter((x) => x.type === 'sample' && !x.isObserved).map((x) => x.name));
      tr = trace(seed(this.predictiveModel(gtr), km!)).getTrace(...args);
    } else {
      const given = posteriorSamples ? drawAt(posteriorSamples, s) : undefined;
      givenNames = new Set(Object.keys(posteriorSamples ?? {}));
      tr = trace(seed(this.predictiveModel(given), ks)).getTrace(...args);
    }
    const values: Record<string, tf.Tensor> = {};
    for (const n of this.selected(tr, givenNames)) values[n] = tr.get(n)!.value.clone();
    return { values };
  }

  private sampleLooped(key: PRNGKey, args: A): Record<string, tf.Tensor> {
    const S = this.numSamples;
    const per: Record<string, tf.Tensor>[] = [];
    try {
      for (let s = 0; s < S; s++) per.push(tf.tidy(() => this.runOne(key, s, args).values));
      const out: Record<string, tf.Tensor> = {};
      for (const n of Object.keys(per[0]!)) {
        const shape = per[0]![n]!.shape;
        per.forEach((p, s) => {
          if (!p[n] || !tf.util.arraysEqual(p[n].shape, shape)) {
            throw new RangeError(`Predictive: site '${n}' has shape [${p[n]?.shape.join(', ') ?? 'absent'}] in draw ${s} but [${shape.join(', ')}] in draw 0`);
          }
        });
        out[n] = tf.stack(per.map((p) => p[n]!));
      }
      return out;
    } finally {
      for (const p of per) tf.dispose(p);
    }
  }

  private sampleBatched(key: PRNGKey, args: A): Record<string, tf.Tensor> {
    const S = this.numSamples;
    const { posteriorSamples, guide } = this.options;
    return tf.tidy(() => {
      const [kRef, kRun] = split(key);
      // Guide draws: an unbatched reference run for the shapes, then one batched run.
      let given: Given | Trace | undefined = posteriorSamples as Given | undefined;
      let givenRef: Given | Trace | undefined = posteriorSamples ? drawAt(posteriorSamples, 0) : undefined;
      let givenNames = new Set(Object.keys(posteriorSamples ?? {}));
      const [kgRef, kmRef] = split(kRef!);
      const [kg, km] = split(kRun!);
      if (guide) {
        const gRef = this.guideTrace(kgRef!, args);
        const gShapes = new Map([...gRef.values()].map((x) => [x.name, x.value.shape] as const));
        given = this.guideTrace(kg!, args, (m) => batchDraw(m, S, gShapes));
        givenRef = gRef;
        givenNames = new Set([...gRef.values()].filter((x) => x.type === 'sample' && !x.isObserved).map((x) => x.name));
      }
      const ref = trace(seed(this.predictiveModel(givenRef), kmRef!)).getTrace(...args);
      const shapes = new Map([...ref.values()].map((x) => [x.name, x.value.shape] as const));
      const tr = trace(batchDraw(seed(this.predictiveModel(given), km!), S, shapes)).getTrace(...args);
      const out: Record<string, tf.Tensor> = {};
      for (const n of this.selected(tr, givenNames)) out[n] = withSampleAxis(n, tr.get(n)!.value, S, shapes.get(n)!);
      return out;
    });
  }
}
