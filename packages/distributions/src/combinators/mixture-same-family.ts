import * as tf from '@tensorflow/tfjs-core';
import { logSoftmax, logSumExp, random, softmax, split, type PRNGKey } from '@probdl/tensor-backend';
import type { Constraint } from '../constraints/types.js';
import { Distribution, NotDefinedError, type DistributionOptions } from '../distribution.js';
import { broadcastShapes, normalizeSampleShape, type TensorInput } from '../internal/params.js';

/**
 * What a mixture's weights come from: a distribution over K categories (a `Categorical`) with a
 * `logits` tensor of shape `[...batch, K]`. Only `logits` and `batchShape` are read; they need not be
 * normalised (a `Categorical` built from `probs` stores `log p`).
 */
export type MixingDistribution = Distribution & { readonly logits: tf.Tensor };

/** Parameters of {@link MixtureSameFamily}. */
export interface MixtureSameFamilyParams extends DistributionOptions {
  /** The mixture weights: a categorical over K components, batch shape broadcasting with the components'. */
  readonly mixtureDistribution: MixingDistribution;
  /** The K components as one distribution whose batch shape is `[...batch, K]` (any event shape). */
  readonly componentsDistribution: Distribution;
}

// ---- shared by MixtureSameFamily and Mixture (internal: not re-exported from the package) ----

/** Checks the mixing distribution: scalar events and K categories along the last axis of `logits`. */
export function mixingCategories(family: string, arg: string, cat: MixingDistribution): number {
  if (!(cat instanceof Distribution) || !(cat.logits instanceof tf.Tensor)) {
    throw new TypeError(`${family}: argument '${arg}' must be a categorical distribution with a 'logits' tensor`);
  }
  if (cat.eventShape.length !== 0) throw new RangeError(`${family}: argument '${arg}' must have scalar events, got event shape [${cat.eventShape.join(', ')}]`);
  if (cat.logits.rank < 1) throw new RangeError(`${family}: argument '${arg}' has logits without a category axis`);
  return cat.logits.shape[cat.logits.rank - 1]!;
}

/** log Σ_k w_k p_k: logSumExp over the last axis of logSoftmax(logits) + per-component values `[..., K]`. */
export function mixtureLogSumExp(logits: tf.Tensor, perComponent: tf.Tensor): tf.Tensor {
  return logSumExp(tf.add(logSoftmax(logits, -1), perComponent), { axis: -1 });
}

/** The weights softmax(logits) `[...b, K]` reshaped to `[...b, K, 1 × eventRank]`, to multiply per-component moments. */
function weightsForEvents(logits: tf.Tensor, eventRank: number): tf.Tensor {
  const w = softmax(logits, -1);
  return eventRank === 0 ? w : tf.reshape(w, [...w.shape, ...new Array<number>(eventRank).fill(1)]);
}

/** Σ_k w_k μ_k over the K axis of `means` `[...b, K, ...event]`. */
export function mixtureMean(logits: tf.Tensor, means: tf.Tensor, eventRank: number): tf.Tensor {
  const prod = tf.mul(weightsForEvents(logits, eventRank), means);
  return tf.sum(prod, prod.rank - eventRank - 1);
}

/** Law of total variance, elementwise over the event: Σ_k w_k (σ²_k + (μ_k - μ̄)²). */
export function mixtureVariance(logits: tf.Tensor, means: tf.Tensor, variances: tf.Tensor, eventRank: number): tf.Tensor {
  const w = weightsForEvents(logits, eventRank);
  const wm = tf.mul(w, means);
  const kAxis = wm.rank - eventRank - 1;
  const mean = tf.sum(wm, kAxis, true);
  const terms = tf.mul(w, tf.add(variances, tf.square(tf.sub(means, mean))));
  return tf.sum(terms, terms.rank - eventRank - 1);
}

/**
 * A mixture sample: component indices from `random.categorical` on the logits, shape `[...S, ...batch]`,
 * picked out of `all` (every component's draw, shape `[...S, ...b, K, ...event]` with b broadcasting to
 * batch) with `where` on a one-hot mask, so no 0·∞ appears and gradients reach the chosen draws.
 */
export function selectComponents(
  key: PRNGKey,
  logits: tf.Tensor,
  all: tf.Tensor,
  sampleShape: readonly number[],
  batchShape: readonly number[],
  eventRank: number,
): tf.Tensor {
  const k = logits.shape[logits.rank - 1]!;
  const idx = random.categorical(key, logits, { shape: [...sampleShape, ...batchShape] });
  // rank-align the component draws: [...S, 1 ×(missing batch dims), ...b, K, ...event]
  const bRank = all.rank - sampleShape.length - 1 - eventRank;
  const aligned =
    bRank < batchShape.length
      ? tf.reshape(all, [...sampleShape, ...new Array<number>(batchShape.length - bRank).fill(1), ...all.shape.slice(sampleShape.length)])
      : all;
  const eventShape = all.shape.slice(all.rank - eventRank);
  const full = [...sampleShape, ...batchShape, k, ...eventShape];
  const mask = tf.reshape(tf.cast(tf.oneHot(tf.reshape(idx, [-1]), k), 'bool'), [...sampleShape, ...batchShape, k, ...new Array<number>(eventRank).fill(1)]);
  const picked = tf.where(tf.broadcastTo(mask, full), tf.broadcastTo(aligned, full), tf.zeros(full));
  return tf.sum(picked, sampleShape.length + batchShape.length);
}

/**
 * A mixture of K distributions of one family with the same event shape (TFP's `MixtureSameFamily`):
 * p(x) = Σ_k w_k p_k(x), the weights from `mixtureDistribution` (a `Categorical` over K, batch shape
 * `[...batch]`) and the components from `componentsDistribution` (batch shape `[...batch, K]`: scalar
 * Normals for a mixture density network head, `Independent(Normal)` or a multivariate normal for
 * vector events).
 *
 * - `logProb` is `logSumExp_k(logSoftmax(logits)_k + log p_k(x))`: finite far in the tails (x = ±1000)
 *   where log(Σ w·pdf) underflows to -Infinity.
 * - `sample` draws a component index per event with `random.categorical` and every component's draw,
 *   and keeps the chosen one. Gradients flow to the component parameters through the chosen draws,
 *   but not to the weights (no implicit reparameterisation), so `reparameterized` is false, as in TFP.
 * - `mean` is Σ w μ; `variance` follows the law of total variance (elementwise for vector events);
 *   `cdf`, `logCdf`, `survival` and `logSurvival` (scalar events only) are the weighted component ones.
 * - `entropy` and `mode` have no closed form and throw `NotDefinedError`.
 * - {@link MixtureSameFamily.componentLogProbs} and {@link MixtureSameFamily.posteriorComponentProbs}
 *   give the per-component terms and the responsibilities p(k | x).
 *
 * `dispose()` also disposes both distributions (each frees only the tensors it created itself).
 */
export class MixtureSameFamily extends Distribution {
  readonly name: string = 'MixtureSameFamily';
  readonly mixtureDistribution: MixingDistribution;
  readonly componentsDistribution: Distribution;
  /** The number of components K. */
  readonly numComponents: number;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly reparameterized = false;

  constructor(params: MixtureSameFamilyParams) {
    super(params);
    const cat = params.mixtureDistribution;
    const comps = params.componentsDistribution;
    const k = mixingCategories(this.name, 'mixtureDistribution', cat);
    if (!(comps instanceof Distribution)) throw new TypeError(`${this.name}: argument 'componentsDistribution' must be a Distribution`);
    const cb = comps.batchShape;
    if (cb.length === 0 || cb[cb.length - 1] !== k) {
      throw new RangeError(
        `${this.name}: argument 'componentsDistribution' must have batch shape [...batch, ${k}] (K = ${k} from 'mixtureDistribution'), got [${cb.join(', ')}]`,
      );
    }
    this.batchShape = broadcastShapes(this.name, { mixtureDistribution: cat.batchShape, componentsDistribution: cb.slice(0, -1) });
    this.mixtureDistribution = cat;
    this.componentsDistribution = comps;
    this.numComponents = k;
    this.eventShape = [...comps.eventShape];
  }

  get support(): Constraint {
    return this.componentsDistribution.support;
  }

  /** x with a K axis inserted before its event dimensions, so it broadcasts against the components. */
  private expandForComponents(x: TensorInput): tf.Tensor {
    const xv = this.value(x);
    const er = this.eventShape.length;
    if (xv.rank < er) throw new RangeError(`${this.name}: x of shape [${xv.shape.join(', ')}] has fewer dimensions than the event shape [${this.eventShape.join(', ')}]`);
    return tf.expandDims(xv, xv.rank - er);
  }

  /** Per-component joint log densities log w_k + log p_k(x), shape `[...broadcast(x batch, batch), K]`. */
  componentLogProbs(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.add(logSoftmax(this.mixtureDistribution.logits, -1), this.componentsDistribution.logProb(this.expandForComponents(x))));
  }

  /** Responsibilities p(k | x) = w_k p_k(x) / p(x), shape `[..., K]`, summing to one along the last axis. */
  posteriorComponentProbs(x: TensorInput): tf.Tensor {
    return tf.tidy(() => softmax(this.componentLogProbs(x), -1));
  }

  sample(key: PRNGKey, sampleShape?: number | readonly number[]): tf.Tensor {
    const s = normalizeSampleShape(this.name, sampleShape);
    const [kCat, kComp] = split(key, 2) as [PRNGKey, PRNGKey];
    return tf.tidy(() => {
      const all = this.componentsDistribution.sample(kComp, s);
      return selectComponents(kCat, this.mixtureDistribution.logits, all, s, this.batchShape, this.eventShape.length);
    });
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => mixtureLogSumExp(this.mixtureDistribution.logits, this.componentsDistribution.logProb(this.expandForComponents(x))));
  }

  private scalarEvents(method: string): void {
    if (this.eventShape.length !== 0) throw new NotDefinedError(this.name, method, 'defined for scalar events only');
  }

  override cdf(x: TensorInput): tf.Tensor {
    this.scalarEvents('cdf');
    return tf.tidy(() => {
      const w = softmax(this.mixtureDistribution.logits, -1);
      return tf.sum(tf.mul(w, this.componentsDistribution.cdf(this.expandForComponents(x))), -1);
    });
  }
  override logCdf(x: TensorInput): tf.Tensor {
    this.scalarEvents('logCdf');
    return tf.tidy(() => mixtureLogSumExp(this.mixtureDistribution.logits, this.componentsDistribution.logCdf(this.expandForComponents(x))));
  }
  override survival(x: TensorInput): tf.Tensor {
    this.scalarEvents('survival');
    return tf.tidy(() => {
      const w = softmax(this.mixtureDistribution.logits, -1);
      return tf.sum(tf.mul(w, this.componentsDistribution.survival(this.expandForComponents(x))), -1);
    });
  }
  override logSurvival(x: TensorInput): tf.Tensor {
    this.scalarEvents('logSurvival');
    return tf.tidy(() => mixtureLogSumExp(this.mixtureDistribution.logits, this.componentsDistribution.logSurvival(this.expandForComponents(x))));
  }
  override mean(): tf.Tensor {
    return tf.tidy(() => {
      const m = mixtureMean(this.mixtureDistribution.logits, this.componentsDistribution.mean(), this.eventShape.length);
      return tf.broadcastTo(m, [...this.batchShape, ...this.eventShape]).clone();
    });
  }
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const c = this.componentsDistribution;
      const v = mixtureVariance(this.mixtureDistribution.logits, c.mean(), c.variance(), this.eventShape.length);
      return tf.broadcastTo(v, [...this.batchShape, ...this.eventShape]).clone();
    });
  }
  override entropy(): tf.Tensor {
    throw new NotDefinedError(this.name, 'entropy', 'no closed form for a mixture (estimate -mean(logProb(sample)) instead)');
  }
  override async validate(): Promise<this> {
    await this.mixtureDistribution.validate();
    await this.componentsDistribution.validate();
    return this;
  }
  override dispose(): void {
    this.mixtureDistribution.dispose();
    this.componentsDistribution.dispose();
    super.dispose();
  }
}
